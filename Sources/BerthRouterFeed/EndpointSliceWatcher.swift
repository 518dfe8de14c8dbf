import AsyncHTTPClient
import BerthCore
import BerthKubernetesAPI
import Logging
import NIOCore
import ServiceLifecycle

/// Watches the EndpointSlices of a namespace as an informer does — list, then watch from the
/// list's `resourceVersion`, list again when the version is gone — and reports each Berth
/// service's ready endpoints. When the API server is away it retries with back-off and the
/// router keeps the endpoints it has.
public final class EndpointSliceWatcher: Service, Sendable {
    let namespace: String
    let makeClient: @Sendable (HTTPClient) throws -> KubernetesClient
    let backoff: FeedBackoff
    let clock: any Clock<Duration>
    let logger: Logger
    let onList: @Sendable ([String: SliceEndpoints]) -> Void
    let onChange: @Sendable (String, SliceEndpoints?) -> Void

    /// - Parameters:
    ///   - makeClient: called before each list with the watcher's HTTP client, so a rotated
    ///     service-account token is read again.
    ///   - onList: every slice after a (re)list (`ClusterRouteSource.replaceSlices`).
    ///   - onChange: one slice added or changed, or deleted (nil) (`ClusterRouteSource.slice`).
    public init(
        namespace: String, makeClient: @escaping @Sendable (HTTPClient) throws -> KubernetesClient,
        backoff: FeedBackoff = FeedBackoff(), clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
        onList: @escaping @Sendable ([String: SliceEndpoints]) -> Void,
        onChange: @escaping @Sendable (String, SliceEndpoints?) -> Void
    ) {
        self.namespace = namespace
        self.makeClient = makeClient
        self.backoff = backoff
        self.clock = clock
        self.logger = logger
        self.onList = onList
        self.onChange = onChange
    }

    public func run() async throws {
        // Its own client: a watch is quiet while nothing changes, so no read timeout (the shared
        // client's 90 s would end every idle watch as a failure; the watch's own timeout bounds
        // it), and a short connect timeout (the shared client retries connecting for 90 s).
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        await follow(http: http)
        try? await http.shutdown()
    }

    func follow(http: HTTPClient) async {
        await cancelWhenGracefulShutdown {
            var backoff = self.backoff
            var failing = false
            while !Task.isCancelled {
                do {
                    try await self.listAndWatch(http: http) {
                        backoff.succeeded()
                        if failing {
                            failing = false
                            self.logger.info(
                                "Watching EndpointSlices again", metadata: ["namespace": "\(self.namespace)"])
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    if let error = error as? KubernetesError, error.code == .gone {
                        self.logger.debug("EndpointSlice watch expired; listing again")
                        continue
                    }
                    let delay = backoff.failed()
                    let log = failing ? Logger.Level.debug : .warning
                    failing = true
                    self.logger.log(
                        level: log, "Cannot watch EndpointSlices; routing to the endpoints last seen",
                        metadata: ["namespace": "\(self.namespace)", "error": "\(error)", "retryIn": "\(delay)"])
                    do { try await self.clock.sleep(for: delay) } catch { return }
                }
            }
        }
    }

    /// A slice keyed `namespace/name` (routers watch several namespaces), with its namespace.
    func read(_ object: JSONValue) -> (name: String, endpoints: SliceEndpoints)? {
        guard var slice = EndpointSliceReader.read(object) else { return nil }
        slice.endpoints.namespace = namespace
        return ("\(namespace)/\(slice.name)", slice.endpoints)
    }

    /// One list, then watches from its version until one fails (`.gone`: list again).
    func listAndWatch(http: HTTPClient, listed: () -> Void) async throws {
        let client = try makeClient(http)
        let list = try await client.list(.endpointSlices, namespace: namespace)
        var all: [String: SliceEndpoints] = [:]
        for item in list["items"]?.arrayValue ?? [] {
            if let slice = read(item) { all[slice.name] = slice.endpoints }
        }
        onList(all)
        listed()
        var version = list["metadata"]?["resourceVersion"]?.stringValue
        while !Task.isCancelled {
            try await client.watch(.endpointSlices, namespace: namespace, resourceVersion: version) { event in
                if let next = event.object["metadata"]?["resourceVersion"]?.stringValue { version = next }
                switch event.type {
                case "ADDED", "MODIFIED":
                    if let slice = read(event.object) { onChange(slice.name, slice.endpoints) }
                case "DELETED":
                    if let name = event.object["metadata"]?["name"]?.stringValue {
                        onChange("\(namespace)/\(name)", nil)
                    }
                default:
                    break
                }
                return true
            }
        }
    }
}
