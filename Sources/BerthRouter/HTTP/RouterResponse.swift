import NIOCore
import NIOHTTP1

/// A response the router writes itself (errors, health), complete in memory.
struct RouterResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// `{"error": {"code", "message", "requestId"}}`, the house error shape (STYLE.md §2.6).
    ///
    /// - Parameter code: bounded and stable (safe as a metric label); `message` is for people.
    static func error(_ status: HTTPResponseStatus, code: String, message: String, requestID: String) -> Self {
        var body = ByteBuffer()
        body.writeStaticString(#"{"error":{"code":"#)
        body.writeJSONString(code)
        body.writeStaticString(#","message":"#)
        body.writeJSONString(message)
        body.writeStaticString(#","requestId":"#)
        body.writeJSONString(requestID)
        body.writeStaticString("}}")
        return RouterResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// 503 with the house error body and `Retry-After: 1`: the router is full for now, and the
    /// same request may succeed a moment later.
    static func retryLater(code: String, message: String, requestID: String) -> Self {
        var response = error(.serviceUnavailable, code: code, message: message, requestID: requestID)
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

extension ByteBuffer {
    /// Writes `string` as a JSON string literal, quotes included.
    mutating func writeJSONString(_ string: String) {
        writeInteger(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": writeStaticString(#"\""#)
            case "\\": writeStaticString(#"\\"#)
            case "\n": writeStaticString(#"\n"#)
            case "\r": writeStaticString(#"\r"#)
            case "\t": writeStaticString(#"\t"#)
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                writeString("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                writeString(String(scalar))
            }
        }
        writeInteger(UInt8(ascii: "\""))
    }
}
