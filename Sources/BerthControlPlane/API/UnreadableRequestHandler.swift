import BerthCore
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers bytes that are not an HTTP/1.1 request with the API's JSON error body (`400`,
/// `BadRequest`, saying what to check) and closes the connection, where Hummingbird would send a
/// 400 with no body. It sits after HTTP decoding, so it sees the decoder's error before
/// Hummingbird does; an error in the middle of a request that is being answered is left to
/// Hummingbird (a second response must not be written into the first).
final class UnreadableRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request's head arrived and its response has not ended yet.
    private var isAnswering = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { isAnswering = true }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { isAnswering = false }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !isAnswering else { return context.fireErrorCaught(error) }
        isAnswering = true
        let detail = ErrorDetail(
            .badRequest(
                "The request is not valid HTTP/1.1 (\(error)). Check the request line and the Content-Length and "
                    + "Transfer-Encoding headers."),
            requestId: nil)
        let body = ByteBuffer(bytes: (try? BerthJSON.encode(ErrorResponse(error: detail))) ?? Data("{}".utf8))
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .badRequest, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
