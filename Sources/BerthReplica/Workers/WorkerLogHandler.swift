import NIOCore

/// Splits a byte stream into lines (without the `\n`), cutting lines longer than `maxLineBytes`
/// so a script that prints megabytes without a newline cannot grow the buffer without bound.
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    var maxLineBytes = 64 * 1024

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        if let newline = view.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - view.startIndex
            let line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            context.fireChannelRead(Self.wrapInboundOut(line))
            return .continue
        }
        if buffer.readableBytes >= maxLineBytes {
            context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: maxLineBytes)!))
            return .continue
        }
        return .needMoreData
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: buffer.readableBytes)!))
        }
        return .needMoreData
    }
}

/// Writes each line a worker prints on stderr to the replica log as
/// `<ISO-8601 UTC timestamp> worker-<id> <line>` (docs/worker-protocol.md).
final class WorkerLogHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let prefix: String

    init(prefix: String) {
        self.prefix = prefix
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var line = unwrapInboundIn(data)
        var text = line.readString(length: line.readableBytes) ?? ""
        if text.hasSuffix("\r") { text.removeLast() }
        writeStderrLine("\(logTimestamp()) \(prefix) \(text)")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
