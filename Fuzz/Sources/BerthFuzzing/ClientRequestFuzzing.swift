import NIOCore
import NIOEmbedded

@testable import BerthRouter

/// `fuzz-client-requests`: arbitrary bytes from a client, through the router's whole client
/// connection (`ClientConnectionHandler`): request framing (`RequestFramer`, `RequestHead`,
/// `RouterPath`), pipelining, body collection and its limits, the decisions made from a head
/// (routes, keys, tokens, endpoint splits, admission) and the responses the router writes itself.
///
/// Input: byte 0 picks the read size (the same bytes split differently must not matter), byte 1
/// how long the client then stays quiet (the head and idle timeouts); the rest is what the client
/// sends. After it the client closes, and nothing may be left held (`FuzzRouter.checkNothingHeld`).
/// Each head the framer accepts is also forwarded as the router would send it to a replica
/// (`RequestEncoding`), and must read back with the same method, credentials and relayed headers.
public enum ClientRequestFuzzing {
    public static func test(_ input: FuzzInput) {
        var input = input
        let readSize = input.readSize(input.byte())
        let quietSeconds = Int64(input.byte() % 8)
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: ClientConnectionHandler(shared: FuzzRouter.shared), loop: loop)
        do {
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            for piece in input.pieces(of: readSize) where channel.isActive {
                try channel.writeInbound(ByteBuffer(bytes: piece))
                _ = try drain(channel)
            }
            loop.advanceTime(by: .seconds(quietSeconds))
            _ = try drain(channel)
        } catch {
            // The connection was closed by the router (after a 4xx, or a timeout): expected.
        }
        _ = try? channel.finish(acceptAlreadyClosed: true)
        loop.run()
        FuzzRouter.checkNothingHeld()
        checkForwardedHeads(input.rest)
    }

    private static func checkForwardedHeads(_ bytes: UnsafeRawBufferPointer) {
        var framer = RequestFramer()
        framer.append(ByteBuffer(bytes: bytes))
        while let event = try? framer.next() {
            guard case .head(let head) = event else { continue }
            let request = ReplicaProxy.forwarded(
                head: head, target: "/score", dropAuthorization: false, replicaSecret: "secret",
                requestID: RouterRequestHandler.Exchange(head).id)
            var encoded = ByteBuffer()
            RequestEncoding.encode(request, host: "localhost", into: &encoded)
            var replica = RequestFramer()
            replica.append(encoded)
            guard case .head(let forwarded)? = try? replica.next() else {
                fatalError("a forwarded head does not read back: \(String(buffer: encoded))")
            }
            expect(forwarded.method == head.method, "the method changed on the way")
            expect(forwarded.authorization == head.authorization, "the credentials changed on the way")
            expect(forwarded.endToEndLines == head.endToEndLines, "the relayed headers changed on the way")
        }
    }

    /// Reads and drops what the router wrote to the client.
    private static func drain(_ channel: EmbeddedChannel) throws -> Int {
        var total = 0
        while let bytes = try channel.readOutbound(as: ByteBuffer.self) { total += bytes.readableBytes }
        return total
    }
}
