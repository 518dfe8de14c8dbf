import BerthCore
import BerthTracing
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

    /// A request as it goes to every replica tried: the target (`/score?…` or `/swagger.json?…`),
    /// the client's end-to-end headers, the key when the replica should see it, the route's replica
    /// secret, the request id and the collected body; the `Host` is set per replica (`RequestEncoding`).
    struct Forwarded {
        var method: HTTPMethod
        var target: String
        /// The client's end-to-end header lines (`RequestHead.endToEndLines`).
        var lines: ByteBuffer
        var authorization: String?
        /// The route's `replicaSecret`, sent as `x-berth-replica-secret`: the route table's own
        /// string, so a request copies its bytes and builds nothing.
        var replicaSecret: String?
        var requestID: RequestID
        /// The router's own trace-context fields (its request span as the replica's parent), when
        /// it traces; the client's are then no longer in `lines` (`continueTrace(with:)`).
        var trace: TraceHeaders? = nil
        /// The collected body; nil when it was empty.
        var body: ByteBuffer?

        /// Sends `headers` (the router's span) in place of the client's trace-context fields.
        ///
        /// - Parameter clientSentTrace: whether the client's head had a `traceparent` or
        ///   `tracestate`; only then are `lines` rewritten without them.
        mutating func continueTrace(with headers: TraceHeaders, clientSentTrace: Bool) {
            if clientSentTrace { lines = RequestHead.dropping(TraceHeaders.w3cNames, from: lines) }
            trace = headers
        }

        /// The `Content-Length` to send: the body's, or 0 for a POST without one; nil for none.
        var contentLength: Int? { body != nil || method == .POST ? body?.readableBytes ?? 0 : nil }
    }

    /// Why a replica gave no response head.
    struct Failure: Error, CustomStringConvertible {
        enum Kind: Equatable {
            /// No connection could be made: safe to send the request elsewhere.
            case connect
            /// The scoring deadline passed.
            case timeout
            /// The connection broke after the request may have reached the replica.
            case broken
            /// A kept connection was found closed before the request went out: safe to retry on a new one.
            case stale
        }

        var kind: Kind
        var cause: any Error
        var description: String { "\(kind): \(cause)" }
    }

    /// The request a client sent, as it goes to a replica: hop-by-hop headers and any client
    /// `x-berth-replica-secret` dropped (by `RequestHead`), the key dropped when the router checked
    /// it (it is the router's secret, not the replica's), the route's replica secret and the
    /// request id added (the client's own id, or the router's; see `RouterRequestHandler.Exchange`).
    /// The body is attached once it was read (`RouterRequestHandler.ForwardPlan.attach(_:)`).
    static func forwarded(
        head: RequestHead, target: String, dropAuthorization: Bool, replicaSecret: String?, requestID: RequestID
    ) -> Forwarded {
        Forwarded(
            method: head.method, target: target, lines: head.endToEndLines,
            authorization: dropAuthorization ? nil : head.authorization, replicaSecret: replicaSecret,
            requestID: requestID, body: nil)
    }
}
