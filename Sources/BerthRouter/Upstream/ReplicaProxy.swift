import BerthCore
import NIOCore
import NIOHTTP1

/// Sends one request to one replica over the client connection's keep-alive connections
/// (`UpstreamConnections`, plain SwiftNIO on the client's event loop) and sorts the ways that can
/// fail into what the client is told (connect → retry elsewhere or 502, deadline → 504, anything
/// else → 502).
struct ReplicaProxy: Sendable {
    /// How long a connection to a replica may take (`Router.Configuration.connectTimeout`).
    let connectTimeout: Duration

    /// The kept connections of one client connection, opened on its event loop.
    func connections(on eventLoop: any EventLoop) -> UpstreamConnections {
        UpstreamConnections(eventLoop: eventLoop, connectTimeout: connectTimeout)
    }

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
            /// A kept connection was found closed before the request went out: safe to retry on a new one.
            case stale
        }

        var kind: Kind
        var cause: any Error
        var description: String { "\(kind): \(cause)" }
    }

    /// Headers that belong to one connection, not to the request or response (RFC 9110 §7.6.1),
    /// plus the framing headers the router sets itself; lowercase.
    static let hopByHop: [String] = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
    ]

    /// Whether header `name` is one of `hopByHop`, compared without allocating (this runs for
    /// every header of every request and response).
    static func isHopByHop(_ name: String) -> Bool {
        hopByHop.contains { equalsIgnoringCase(name, $0) }
    }

    /// `name` equals `lowercase` (a lowercase token) ignoring ASCII case, without allocating.
    static func equalsIgnoringCase(_ name: String, _ lowercase: String) -> Bool {
        name.utf8.count == lowercase.utf8.count
            && name.utf8.elementsEqual(lowercase.utf8) { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }

    /// The request a client sent, as it goes to a replica: hop-by-hop headers dropped, the key
    /// dropped when the router checked it (it is the router's secret, not the replica's), the
    /// router's request id added.
    static func forwarded(
        head: HTTPRequestHead, target: String, body: ByteBuffer, dropAuthorization: Bool, requestID: String
    ) -> Forwarded {
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 3)
        let connectionValues = head.headers[canonicalForm: "connection"]
        let listed = connectionValues.isEmpty ? [] : Set(connectionValues.map { $0.lowercased() })
        for (name, value) in head.headers {
            if isHopByHop(name) || equalsIgnoringCase(name, "x-ms-request-id") { continue }
            if dropAuthorization && equalsIgnoringCase(name, "authorization") { continue }
            if !listed.isEmpty && listed.contains(name.lowercased()) { continue }
            headers.add(name: name, value: value)
        }
        headers.add(name: "x-ms-request-id", value: requestID)
        return Forwarded(
            target: target, method: head.method, headers: headers,
            body: body.readableBytes > 0 || head.method == .POST ? body : nil)
    }

    /// A replica's answer: its head, and the connection its body streams from (`UpstreamConnection.nextPart()`).
    struct Response {
        var head: HTTPResponseHead
        let connection: UpstreamConnection

        var status: HTTPResponseStatus { head.status }
        var headers: HTTPHeaders { head.headers }
    }

    /// Sends `request` to `replica` over `upstreams` (the client connection's kept connections)
    /// and returns once the response head arrived; the body streams. A kept connection the
    /// replica closed while it was idle is replaced by a new one once, before anything was
    /// received, as nginx does with its keep-alive pool.
    ///
    /// - Throws: `Failure`.
    func execute(
        _ request: Forwarded, on replica: ReplicaEndpoint, via upstreams: UpstreamConnections, deadline: NIODeadline
    ) async throws -> Response {
        guard Self.isSendable(request.target) else {
            throw Failure(kind: .badTarget, cause: InvalidTarget())
        }
        var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.target, headers: request.headers)
        head.headers.add(name: "Host", value: replica.host.contains(":") ? "[\(replica.host)]:\(replica.port)" : "\(replica.host):\(replica.port)")
        if let body = request.body { head.headers.add(name: "Content-Length", value: String(body.readableBytes)) }
        var attempt = 0
        while true {
            attempt += 1
            let (connection, reused) = try await upstreams.connection(to: replica)
            do {
                let responseHead = try await connection.send(head, body: request.body, deadline: deadline)
                return Response(head: responseHead, connection: connection)
            } catch let failure as Failure {
                let stale = failure.kind == .stale || (failure.kind == .broken && reused && !connection.receivedAnything)
                upstreams.discard(connection)
                if stale && attempt == 1 { continue }
                throw failure.kind == .stale ? Failure(kind: .broken, cause: failure.cause) : failure
            } catch {
                upstreams.discard(connection)
                throw Failure(kind: .broken, cause: error)
            }
        }
    }

    /// Whether `target` is visible ASCII only (what a request line may carry).
    static func isSendable(_ target: String) -> Bool {
        target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    private struct InvalidTarget: Error, CustomStringConvertible {
        var description: String { "The request target has characters a request line cannot carry." }
    }
}
