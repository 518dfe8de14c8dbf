import NIOCore

/// One frame of the host⇄worker protocol (docs/worker-protocol.md, "Frames"):
/// `u32 header length | u64 body length | JSON header | raw body`, both big-endian.
struct WorkerFrame {
    /// The frame's JSON header bytes.
    var header: ByteBuffer
    /// The raw body: a request or response body, never base64.
    var body: ByteBuffer

    /// Bytes of the length prefix.
    static let prefixSize = 12
}

/// Splits the worker's stdout byte stream into frames.
///
/// The body arrives as a slice of the cumulation buffer, so a 100 MB answer is not copied again.
struct WorkerFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = WorkerFrame

    /// Frames whose header claims more than this are a protocol error, not a reason to allocate.
    static let maxHeaderBytes = 16 * 1024 * 1024

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard
            let headerLength = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
            let bodyLength = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt64.self)
        else { return .needMoreData }
        guard headerLength <= Self.maxHeaderBytes, bodyLength <= UInt64(Int.max / 2) else {
            throw WorkerProtocolError("a frame header of \(headerLength) bytes or a body of \(bodyLength) bytes")
        }
        let total = WorkerFrame.prefixSize + Int(headerLength) + Int(bodyLength)
        guard buffer.readableBytes >= total else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: WorkerFrame.prefixSize)
        let header = buffer.readSlice(length: Int(headerLength))!
        let body = buffer.readSlice(length: Int(bodyLength))!
        context.fireChannelRead(Self.wrapInboundOut(WorkerFrame(header: header, body: body)))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// The worker sent bytes that are not a valid frame or header.
struct WorkerProtocolError: Error, CustomStringConvertible {
    var what: String
    init(_ what: String) { self.what = what }
    var description: String {
        "The worker sent \(what), which breaks docs/worker-protocol.md; check that 'berth_worker' matches this berth."
    }
}
