import BerthCore
import NIOCore
import NIOHTTP1

/// What a request to a replica is made of and the ways it can fail, sorted into what the client
/// is told (connect → retry elsewhere or 502, deadline → 504, anything else → 502). The sending
/// itself is `ClientConnectionHandler`'s, over `UpstreamConnections`.
struct ReplicaProxy: Sendable {
    /// How long a connection to a replica may take (`Router.Configuration.connectTimeout`).
    let connectTimeout: Duration

    /// The kept connections of one client connection, opened on its event loop.
    func connections(on eventLoop: any EventLoop) -> UpstreamConnections {
        UpstreamConnections(eventLoop: eventLoop, connectTimeout: connectTimeout)
    }

    /// A request as it goes to every replica tried: the head (target `/score?…` or
    /// `/swagger.json?…`, the client's end-to-end headers, the request id, the body's length; the
    /// `Host` is set per replica) and the collected body.
    struct Forwarded {
        var head: HTTPRequestHead
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
    /// request id added (the client's own, or the router's; see `RouterRequestHandler.Exchange`).
    static func forwarded(
        head: HTTPRequestHead, target: String, body: ByteBuffer?, dropAuthorization: Bool, requestID: String
    ) -> Forwarded {
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 3)
        var listed: Set<String> = []
        if head.headers.contains(name: "connection") {
            listed = Set(head.headers[canonicalForm: "connection"].map { $0.lowercased() })
        }
        for (name, value) in head.headers {
            if isHopByHop(name) || equalsIgnoringCase(name, "x-ms-request-id") { continue }
            if dropAuthorization && equalsIgnoringCase(name, "authorization") { continue }
            if !listed.isEmpty && listed.contains(name.lowercased()) { continue }
            headers.add(name: name, value: value)
        }
        headers.add(name: "x-ms-request-id", value: requestID)
        let sent = body.flatMap { $0.readableBytes > 0 ? $0 : nil }
        if sent != nil || head.method == .POST {
            headers.add(name: "Content-Length", value: String(sent?.readableBytes ?? 0))
        }
        return Forwarded(
            head: HTTPRequestHead(version: .http1_1, method: head.method, uri: target, headers: headers), body: sent)
    }

    /// Whether `target` is visible ASCII only (what a request line may carry).
    static func isSendable(_ target: String) -> Bool {
        target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
