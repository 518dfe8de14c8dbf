import BerthCore
import Foundation
import NIOCore
import NIOHTTP1

/// A response the router writes itself (errors, health), complete in memory.
struct RouterResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
    /// Why the router answers with an error (`berth_router_errors_total`); nil for other answers.
    var reason: RouterErrorReason? = nil

    /// `{"error": {"code", "message", "requestId"}}`, the house error shape (STYLE.md §2.6).
    ///
    /// - Parameter code: bounded and stable (safe as a metric label); `message` is for people.
    static func error(_ status: HTTPResponseStatus, code: String, message: String, requestID: String) -> Self {
        // The same type and encoder as the control plane's errors: one shape, one writer.
        let detail = ErrorDetail(code: code, message: message, requestId: requestID)
        // `/` stays as it is (`HTTP/1.1`, paths in messages), as the router has always written it.
        let encoder = BerthJSON.encoder()
        encoder.outputFormatting.insert(.withoutEscapingSlashes)
        let body = ByteBuffer(bytes: (try? encoder.encode(ErrorResponse(error: detail))) ?? Data("{}".utf8))
        return RouterResponse(
            status: status, headers: ["Content-Type": "application/json"], body: body,
            reason: RouterErrorReason(code: code, status: Int(status.code)))
    }

    /// 503 with the house error body and `Retry-After: 1`: the router is full for now, and the
    /// same request may succeed a moment later.
    static func retryLater(
        code: String, message: String, requestID: String, reason: RouterErrorReason? = nil
    ) -> Self {
        var response = error(.serviceUnavailable, code: code, message: message, requestID: requestID)
        if let reason { response.reason = reason }
        response.headers.add(name: "Retry-After", value: "1")
        return response
    }

    /// A short text body.
    static func text(_ text: String, status: HTTPResponseStatus = .ok) -> Self {
        RouterResponse(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: ByteBuffer(string: text))
    }

    /// Azure's overload sentence, which clients and docs search for (compat.md §9.3).
    static func overloadedSentence(_ service: some StringProtocol) -> String {
        "Too many requests for service \(service) (overloaded)."
    }
}
