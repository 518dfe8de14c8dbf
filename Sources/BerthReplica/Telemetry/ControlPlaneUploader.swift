import AsyncHTTPClient
import BerthCore
import BerthTLS
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A replica in a Kubernetes Pod hands the control plane what must not stay in the Pod — its
/// request telemetry (`RequestTelemetryShipper`) and collected model data (`ModelDataShipper`) —
/// with POSTs made here: the deployment's Pod token as bearer, the control plane's CA trusted when
/// it is reached over https, and a request that fails for a reason that may pass (no connection,
/// 5xx) tried again, `attempts` times in all with `backoff` between. One the control plane refuses
/// (4xx: the service was deleted, the token revoked, a body it cannot read) is not.
package final class ControlPlaneUploader: Sendable {
    /// Why a POST did not land.
    package enum Failure: Error, CustomStringConvertible {
        /// The control plane answered 4xx: sending it again will not help.
        case refused(status: Int, message: String)
        /// Still failing after every attempt: the last reason.
        case unavailable(String)

        package var description: String {
            switch self {
            case .refused(let status, let message): "the control plane answered \(status): \(message)"
            case .unavailable(let reason): reason
            }
        }
    }

    let upload: ControlPlaneUpload
    private let http: HTTPClient
    private let attempts: Int
    private let backoff: RestartBackoff

    /// - Parameters:
    ///   - attempts: tries per request, the first included. Default 4.
    ///   - backoff: the wait before each retry. Default 200 ms doubling up to 2 s.
    ///   - connectTimeout: how long one try waits for a connection. Default 3 s.
    package init(
        upload: ControlPlaneUpload, attempts: Int = 4,
        backoff: RestartBackoff = RestartBackoff(initial: .milliseconds(200), maximum: .seconds(2)),
        connectTimeout: Duration = .seconds(3), logger: Logger
    ) {
        self.upload = upload
        self.attempts = max(1, attempts)
        self.backoff = backoff
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout = .init(
            connect: .nanoseconds(Int64(connectTimeout / .nanoseconds(1))), read: .seconds(10))
        if let pem = upload.trustedCAPEM {
            do {
                configuration.tlsConfiguration = try TLSConfiguration.makeClientConfiguration(trustingSystemCAsAnd: pem)
            } catch {
                logger.error("The control plane's CA is not usable; trusting the system's CAs only: \(error)")
            }
        }
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// POSTs `body` to `path` (with `query`, already percent-encoded) and returns the answer's body.
    package func post(_ path: String, query: String, body: Data, contentType: String) async throws -> Data {
        var request = HTTPClientRequest(url: "\(upload.url)\(path)?\(query)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(upload.token)")
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(bytes: body))
        var failures = 0
        while true {
            let problem: String
            do {
                let response = try await http.execute(request, timeout: .seconds(10))
                let answer =
                    (try? await response.body.collect(upTo: 64 << 10)).map { Data($0.readableBytesView) } ?? Data()
                if (200..<300).contains(response.status.code) { return answer }
                let text = String(decoding: answer, as: UTF8.self)
                if response.status.code < 500 {
                    throw Failure.refused(status: Int(response.status.code), message: text)
                }
                problem = "the control plane answered \(response.status.code): \(text)"
            } catch let failure as Failure {
                throw failure
            } catch {
                problem = "\(error)"
            }
            failures += 1
            guard failures < attempts else { throw Failure.unavailable(problem) }
            try await Task.sleep(for: backoff.delay(afterFailures: failures))
        }
    }

    /// The URL path of `service`'s operation `operation` (`telemetry`, `modeldata`).
    package static func servicePath(_ service: String, _ operation: String) -> String {
        "/api/v1/services/\(service.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? service)/\(operation)"
    }

    /// Closes the connections; call once nothing more is sent.
    package func shutdown() async {
        try? await http.shutdown()
    }
}
