import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1

@testable import BerthReplica
@testable import BerthRouter

/// `fuzz-worker-frames`: arbitrary bytes on a worker's stdout, through the replica host's frame
/// decoder (`WorkerFrameDecoder`) and message decoding (`WorkerMessage`), and every scoring answer
/// the host accepts on through the response it makes of it (`ReplicaRoutes.response(for:)`,
/// NIO's encoder) to the router's `ResponseFramer`.
///
/// Input: byte 0 picks the read size; the rest is what the worker writes. Checked besides crashes:
/// the same bytes read at once give the same frames, and the router reads each answer back as one
/// response with the replica's status and exactly its body (whatever status and headers the worker
/// sent), which is the worker's body whenever its status can carry one.
public enum WorkerFrameFuzzing {
    public static func test(_ input: FuzzInput) {
        var input = input
        let readSize = input.readSize(input.byte())
        let split = frames(of: input.pieces(of: readSize))
        let whole = frames(of: [input.rest])
        expect(split.count == whole.count, "\(split.count) frames read in pieces, \(whole.count) at once")
        for (a, b) in zip(split, whole) {
            expect(a.header == b.header && a.body == b.body, "a frame differs when read in pieces")
        }
        let decoder = JSONDecoder()
        for frame in whole {
            guard case .response(_, let reply)? = try? WorkerMessage(frame: frame, decoder: decoder) else { continue }
            let response = ReplicaRoutes.response(for: reply)
            checkRouterReads(response, body: response.body)
            // The worker's body goes out as it is, unless its status cannot carry it (then the
            // replica answers 500 or sends no body: `WorkerReply+Response.swift`).
            if reply.hasFinalStatus && !ReplicaResponse.hasNoBody(response.status) {
                expect(response.body == reply.body, "the replica sends another body than the worker's")
            }
        }
    }

    /// The frames a worker's stdout delivered in `pieces`, until the stream is exhausted or broken.
    private static func frames(of pieces: [UnsafeRawBufferPointer]) -> [WorkerFrame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WorkerFrameDecoder()))
        var frames: [WorkerFrame] = []
        do {
            for piece in pieces {
                try channel.writeInbound(ByteBuffer(bytes: piece))
                while let frame = try channel.readInbound(as: WorkerFrame.self) { frames.append(frame) }
            }
            _ = try channel.finish()
        } catch {
            // A broken stream: the host kills the worker; the frames before it were delivered.
        }
        while let frame = try? channel.readInbound(as: WorkerFrame.self) { frames.append(frame) }
        // A channel left open keeps its pipeline (and itself) alive: every input would leak one.
        _ = try? channel.finish(acceptAlreadyClosed: true)
        return frames
    }

    /// Encodes `response` as the replica's HTTP handler does and reads it as the router does.
    private static func checkRouterReads(_ response: ReplicaResponse, body: ByteBuffer) {
        let channel = EmbeddedChannel(handler: HTTPResponseEncoder())
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        try! channel.writeOutbound(HTTPServerResponsePart.head(response.head(keepAlive: true)))
        try! channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(response.body)))
        try! channel.writeOutbound(HTTPServerResponsePart.end(nil))
        var framer = ResponseFramer()
        while let bytes = try! channel.readOutbound(as: ByteBuffer.self) { framer.append(bytes) }
        var head: ResponseHead?
        var relayed = ByteBuffer()
        reading: while true {
            let event: ResponseFramer.Event?
            do { event = try framer.next() } catch {
                fatalError("the router refuses the replica's answer to a worker reply: \(error)")
            }
            switch event {
            case .head(let first): head = first
            case .body(var part): relayed.writeBuffer(&part)
            case .end: break reading
            case nil: fatalError("the replica's answer to a worker reply does not end")
            }
        }
        expect(head?.status.code == response.status.code, "the status changed on the way")
        expect(relayed == body, "the router read another body than the worker's")
        expect(!framer.hasUnreadBytes, "bytes after the replica's answer")
    }
}
