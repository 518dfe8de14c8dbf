import AsyncHTTPClient
import BerthCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sends one request to one replica over the router's pooled keep-alive connections and sorts
/// the ways that can fail into what the client is told (connect → retry elsewhere or 502,
/// deadline → 504, anything else → 502).
struct ReplicaProxy: Sendable {
    let client: HTTPClient

    /// A request as it goes to every replica tried: target path, headers and the collected body.
    struct Forwarded: Sendable {
        /// `/score?…` or `/swagger.json?…`.
        var target: String
        var method: HTTPMethod
        var headers: HTTPHeaders
        var body: ByteBuffer?
    }

    /// Why a replica gave no response head.
    struct Failure: Error, CustomStringConvertible {
        enum Kind: Equatable {
            /// No connection could be made: safe to send the request elsewhere.
            case connect
            /// The scoring deadline passed.
            case timeout
            /// The request target is not a URL the client can send (a malformed query string).
            case badTarget
            /// The connection broke after the request may have reached the replica.
            case broken
        }

        var kind: Kind
        var cause: any Error
        var description: String { "\(kind): \(cause)" }
    }

    /// Headers that belong to one connection, not to the request or response (RFC 9110 §7.6.1),
    /// plus the framing headers AsyncHTTPClient and NIO set themselves.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
    ]

    /// The request a client sent, as it goes to a replica: hop-by-hop headers dropped, the key
    /// dropped when the router checked it (it is the router's secret, not the replica's), the
    /// router's request id added.
    static func forwarded(
        head: HTTPRequestHead, target: String, body: ByteBuffer, dropAuthorization: Bool, requestID: String
    ) -> Forwarded {
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 1)
        let listed = Set(head.headers[canonicalForm: "connection"].map { $0.lowercased() })
        for (name, value) in head.headers {
            let lowered = name.lowercased()
            if hopByHop.contains(lowered) || listed.contains(lowered) || lowered == "x-ms-request-id" { continue }
            if dropAuthorization && lowered == "authorization" { continue }
            headers.add(name: name, value: value)
        }
        headers.add(name: "x-ms-request-id", value: requestID)
        return Forwarded(
            target: target, method: head.method, headers: headers,
            body: body.readableBytes > 0 || head.method == .POST ? body : nil)
    }

    /// Sends `request` to `replica` and returns once the response head arrived; the body streams.
    ///
    /// - Throws: `Failure`.
    func execute(
        _ request: Forwarded, on replica: ReplicaEndpoint, deadline: NIODeadline, logger: Logger
    ) async throws -> HTTPClientResponse {
        let host = replica.host.contains(":") ? "[\(replica.host)]" : replica.host
        var outgoing = HTTPClientRequest(url: "http://\(host):\(replica.port)\(request.target)")
        outgoing.method = request.method
        outgoing.headers = request.headers
        if let body = request.body { outgoing.body = .bytes(body) }
        do {
            return try await client.execute(outgoing, deadline: deadline, logger: logger)
        } catch {
            throw Failure(kind: Self.classify(error), cause: error)
        }
    }

    static func classify(_ error: any Error) -> Failure.Kind {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return .timeout
            case .connectTimeout: return .connect
            case .invalidURL, .emptyHost, .emptyScheme: return .badTarget
            default: return .broken
            }
        }
        if error is NIOConnectionError { return .connect }
        if let error = error as? ChannelError, case .connectTimeout = error { return .connect }
        if let error = error as? IOError,
            [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        {
            return .connect
        }
        return .broken
    }
}
