import AsyncHTTPClient
import BerthCore
import BerthKubernetesAPI
import BerthTLS
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Follows the control plane's route feed (`GET /api/v1/routes?compute=NAME&watch=true`) for
/// `berth router --feed`: hands each table to `onTable`, reconnects with back-off when the
/// stream ends, fails or goes silent for three heartbeats, and meanwhile the router keeps serving
/// the last table it has (logged as such).
///
/// The feed token goes only into the `Authorization` header; it is never logged.
public final class RouteFeedFollower: Service, Sendable {
    /// Where the feed is and how to follow it.
    public struct Configuration: Sendable {
        /// The control plane's base URL, e.g. `http://berth-control-plane:8890`.
        public var controlPlaneURL: String
        /// The compute target (attached cluster) whose routes to follow.
        public var compute: String
        /// The cluster's feed token. Secret.
        public var token: String
        /// The heartbeat asked of the control plane; three missed ones count as a lost connection.
        public var heartbeat: Duration = .seconds(10)
        /// How long one watch lasts before the control plane ends it and the router reconnects.
        public var streamTimeout: Duration = .seconds(300)
        /// Waits between reconnection attempts.
        public var backoff = FeedBackoff()

        /// The CA (PEM) the control plane's certificate is checked against, beside the system's
        /// (`--feed-ca-file`); nil: the system's only.
        public var trustedCAPEM: String? = nil

        public init(controlPlaneURL: String, compute: String, token: String) {
            self.controlPlaneURL = controlPlaneURL
            self.compute = compute
            self.token = token
        }
    }

    /// A feed connection that failed, with what to tell the user (never the token).
    struct FeedFailure: Error, CustomStringConvertible {
        var description: String
    }

    let configuration: Configuration
    /// The client given to `init`; nil: `run()` makes its own (see there).
    let httpClient: HTTPClient?
    let clock: any Clock<Duration>
    let logger: Logger
    let onTable: @Sendable (RouteTable) -> Void
    let servingGeneration: @Sendable () -> UInt64?
    /// Whether the last attempt failed (so the next success is logged as the feed coming back).
    private let away = Atomic<Bool>(false)

    /// - Parameters:
    ///   - onTable: receives every table of the feed (`ClusterRouteSource.receive(feed:)`).
    ///   - servingGeneration: the generation the router serves, for the logs while the feed is away.
    public init(
        configuration: Configuration, httpClient: HTTPClient? = nil, clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger, servingGeneration: @escaping @Sendable () -> UInt64? = { nil },
        onTable: @escaping @Sendable (RouteTable) -> Void
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        self.logger = logger
        self.servingGeneration = servingGeneration
        self.onTable = onTable
    }

    public func run() async throws {
        if let httpClient {
            await follow(http: httpClient)
            return
        }
        // Its own client: a short connect timeout, so a control plane that is gone is noticed in
        // seconds (the shared client retries connecting for 90 s), and a read timeout of three
        // heartbeats, so a connection that went silent — before or after the answer's head — ends.
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout = .init(
            connect: .seconds(3), read: .seconds(max(1, self.configuration.heartbeat.components.seconds) * 3))
        if let pem = self.configuration.trustedCAPEM {
            do {
                configuration.tlsConfiguration = try TLSConfiguration.makeClientConfiguration(
                    trustingSystemCAsAnd: pem)
            } catch {
                logger.error("The control plane's CA is not usable; trusting the system's CAs only: \(error)")
            }
        }
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        await follow(http: http)
        try? await http.shutdown()
    }

    func follow(http: HTTPClient) async {
        await cancelWhenGracefulShutdown {
            var backoff = self.configuration.backoff
            while !Task.isCancelled {
                let received = LineCounter()
                var failure: (any Error)?
                do {
                    try await self.followOnce(http: http, received: received)
                } catch {
                    if Task.isCancelled { return }
                    failure = error
                }
                let worked = received.count > 0
                if worked { backoff.succeeded() }
                let delay = worked && failure == nil ? Duration.zero : backoff.failed()
                let serving = self.servingGeneration().map { "generation \($0)" } ?? "no table yet"
                let reason = failure.map { "\($0)" } ?? "the control plane ended the stream"
                if worked && failure == nil {
                    self.logger.debug("Route feed stream ended; reconnecting")
                } else if !self.away.exchange(true, ordering: .relaxed) {
                    self.logger.warning(
                        "The control plane's route feed is unreachable; serving the last route table until it is back",
                        metadata: ["serving": "\(serving)", "reason": "\(reason)", "retryIn": "\(delay)"])
                } else {
                    self.logger.debug(
                        "Route feed still unreachable",
                        metadata: ["serving": "\(serving)", "reason": "\(reason)", "retryIn": "\(delay)"])
                }
                if delay > .zero {
                    do { try await self.clock.sleep(for: delay) } catch { return }
                }
            }
        }
    }

    /// One watch, until it ends, fails or goes silent. `received` counts its lines.
    func followOnce(http: HTTPClient, received: LineCounter) async throws {
        let configuration = self.configuration
        let compute =
            configuration.compute.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)
            ?? configuration.compute
        let base =
            configuration.controlPlaneURL.hasSuffix("/")
            ? String(configuration.controlPlaneURL.dropLast()) : configuration.controlPlaneURL
        let heartbeatSeconds = max(1, configuration.heartbeat.components.seconds)
        let timeoutSeconds = max(1, configuration.streamTimeout.components.seconds)
        var request = HTTPClientRequest(
            url:
                "\(base)/api/v1/routes?compute=\(compute)&watch=true&heartbeatSeconds=\(heartbeatSeconds)&timeoutSeconds=\(timeoutSeconds)"
        )
        request.headers.add(name: "Authorization", value: "Bearer \(configuration.token)")
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(timeoutSeconds + 30))
        } catch {
            throw FeedFailure(description: "cannot reach \(base): \(error)")
        }
        guard response.status == .ok else {
            let body = try? await response.body.collect(upTo: 64 * 1024)
            let detail = body.flatMap { try? JSONValue(parsing: Data($0.readableBytesView)) }
            let message = detail?["error"]?["message"]?.stringValue ?? "no error message"
            throw FeedFailure(description: "the feed answered \(response.status.code): \(message)")
        }
        let onTable = self.onTable
        let logger = self.logger
        let clock = self.clock
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var lines = NewlineDelimitedLines()
                for try await chunk in response.body {
                    for line in lines.lines(completedBy: chunk) {
                        if received.increment() == 1 {
                            if self.away.exchange(false, ordering: .relaxed) {
                                logger.info("Following the control plane's route feed again")
                            } else {
                                logger.info(
                                    "Following the control plane's route feed",
                                    metadata: ["compute": "\(configuration.compute)"])
                            }
                        }
                        let event: RouteFeedEvent
                        do {
                            event = try BerthJSON.decoder().decode(RouteFeedEvent.self, from: line)
                        } catch {
                            throw FeedFailure(description: "the feed sent a line that is not a route feed event")
                        }
                        if event.type == .routes, let table = event.table {
                            logger.debug("Route feed table", metadata: ["feedGeneration": "\(table.generation)"])
                            onTable(table)
                        }
                    }
                    if lines.pendingBytes > 64 << 20 { throw FeedFailure(description: "a feed line exceeded 64 MiB") }
                }
            }
            group.addTask {
                // Three heartbeats without a line: the connection is dead even if no one closed it.
                while true {
                    let before = received.count
                    try await clock.sleep(for: configuration.heartbeat * 3)
                    if received.count == before {
                        throw FeedFailure(description: "no heartbeat for \(configuration.heartbeat * 3)")
                    }
                }
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }
}

/// Lines read on one feed connection, shared by its reader and its heartbeat watchdog.
final class LineCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Counts a line; returns the count including it.
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }

    var count: Int { value.load(ordering: .relaxed) }
}
