import NIOCore
import NIOEmbedded
import NIOHTTP1

@testable import BerthRouter

/// `fuzz-replica-responses`: arbitrary bytes from a replica, answering one forwarded request,
/// through the router's replica connection (`UpstreamHandler`, `ResponseFramer`, `ResponseHead`)
/// and the client connection that relays the answer (`ClientConnectionHandler`'s sink side).
///
/// Input: byte 0 picks the read size; byte 1 whether the client speaks HTTP/1.0 (the relayed body
/// is then framed by the connection's end instead of chunks) and whether the replica closes the
/// connection after its bytes; the rest is what the replica sends.
///
/// Besides crashes, a differential check: when the replica's bytes hold a complete response (as a
/// fresh `ResponseFramer` reads them), what the client receives, read by NIO's own HTTP client
/// decoder, has that response's status (a 500 whose `run()` raised as 502) and exactly its body.
public enum ReplicaResponseFuzzing {
    public static func test(_ input: FuzzInput) {
        var input = input
        let readSize = input.readSize(input.byte())
        let options = input.byte()
        let isHTTP10 = options & 1 == 1
        let replicaCloses = options & 2 == 2
        let loop = EmbeddedEventLoop()
        let client = ClientConnectionHandler(shared: FuzzRouter.shared)
        let clientChannel = EmbeddedChannel(handler: client, loop: loop)
        let upstream = UpstreamHandler()
        let upstreamChannel = EmbeddedChannel(handler: upstream, loop: loop)
        var relayed = ByteBuffer()
        do {
            let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
            try clientChannel.connect(to: address).wait()
            try upstreamChannel.connect(to: address).wait()
            let plan = try forwarding(client, isHTTP10: isHTTP10)
            guard upstream.send(plan.request, host: "localhost", deadline: .now() + .seconds(60), sink: client) else {
                fatalError("a fresh replica connection refused a request")
            }
            while try upstreamChannel.readOutbound(as: ByteBuffer.self) != nil {}
            for piece in input.pieces(of: readSize) where upstreamChannel.isActive {
                try upstreamChannel.writeInbound(ByteBuffer(bytes: piece))
                collect(clientChannel, into: &relayed)
            }
            if replicaCloses { try upstreamChannel.close().wait() }
            collect(clientChannel, into: &relayed)
        } catch {
            // The replica connection failed (its bytes were not a response): the client got 502.
        }
        _ = try? upstreamChannel.finish(acceptAlreadyClosed: true)
        collect(clientChannel, into: &relayed)
        _ = try? clientChannel.finish(acceptAlreadyClosed: true)
        loop.run()
        FuzzRouter.checkNothingHeld()
        if let expected = ExpectedResponse(replicaBytes: input.rest, replicaCloses: replicaCloses) {
            expected.check(relayed: relayed)
        }
    }

    /// Puts `client` where it is when its request went to a replica and no answer came yet.
    private static func forwarding(
        _ client: ClientConnectionHandler, isHTTP10: Bool
    ) throws -> RouterRequestHandler.ForwardPlan {
        var lines = ByteBuffer()
        let text = "POST /api/v1/service/svc/score HTTP/1.\(isHTTP10 ? 0 : 1)\r\nx-client: fuzz\r\n"
        let head = try Array(text.utf8).withUnsafeBytes { try RequestHead(parsing: $0, lines: &lines) }
        let exchange = RouterRequestHandler.Exchange(head)
        let route = FuzzRouter.shared.admission.routes().routes["svc"]!
        var plan = RouterRequestHandler.ForwardPlan(
            service: "svc", route: route,
            request: ReplicaProxy.forwarded(
                head: head, target: "/score", dropAuthorization: false, replicaSecret: nil, requestID: exchange.id))
        plan.attach(ByteBuffer(string: "{}"))
        client.exchange = exchange
        client.state = .forwarding
        var forwarding = ClientConnectionHandler.Forwarding(plan: plan, waitsUntil: .now())
        forwarding.phase = .awaitingHead
        forwarding.deadline = .now() + .seconds(60)
        client.forwarding = forwarding
        return plan
    }

    private static func collect(_ channel: EmbeddedChannel, into relayed: inout ByteBuffer) {
        while var bytes = try? channel.readOutbound(as: ByteBuffer.self) { relayed.writeBuffer(&bytes) }
    }
}

/// A complete response in a replica's bytes, as a fresh `ResponseFramer` reads them.
private struct ExpectedResponse {
    var status: HTTPResponseStatus
    var body = ByteBuffer()

    /// Nil when the bytes hold no complete response the client sees relayed: none at all, a
    /// framing error before its end, or a 429 (the router answers that one itself).
    init?(replicaBytes: UnsafeRawBufferPointer, replicaCloses: Bool) {
        var framer = ResponseFramer()
        framer.append(ByteBuffer(bytes: replicaBytes))
        var head: ResponseHead?
        reading: while true {
            let event: ResponseFramer.Event?
            do { event = try framer.next() } catch { return nil }
            switch event {
            case .head(let first): head = first
            case .body(var part): body.writeBuffer(&part)
            case .end: break reading
            case nil:
                guard replicaCloses, framer.connectionClosed() != nil else { return nil }
                break reading
            }
        }
        guard let head, head.status != .tooManyRequests else { return nil }
        status = head.status == .internalServerError && head.runFailed ? .badGateway : head.status
    }

    /// Reads `relayed` with NIO's HTTP client decoder; a mismatch is a finding.
    func check(relayed: ByteBuffer) {
        let channel = EmbeddedChannel()
        try! channel.pipeline.syncOperations.addHTTPClientHandlers()
        try! channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try! channel.writeOutbound(
            HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")))
        try! channel.writeOutbound(HTTPClientRequestPart.end(nil))
        var received: HTTPResponseHead?
        var body = ByteBuffer()
        var ended = false
        do {
            try channel.writeInbound(relayed)
            _ = try channel.finish(acceptAlreadyClosed: true)
        } catch {
            fatalError("the client could not read the relayed response: \(error)")
        }
        while let part = try? channel.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let head): if received == nil { received = head }
            case .body(var bytes): if !ended { body.writeBuffer(&bytes) }
            case .end: ended = true
            }
        }
        expect(received?.status.code == status.code, "status \(String(describing: received)) for \(status)")
        expect(ended, "the relayed response did not end")
        expect(body == self.body, "the relayed body differs from the replica's")
    }
}
