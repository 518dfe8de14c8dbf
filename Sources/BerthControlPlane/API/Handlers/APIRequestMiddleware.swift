import BerthAuth
import BerthCore
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// What the generated server sees of a request before it decodes it, and the words for what it
/// cannot decode.
///
/// - **Bodies are bounded.** The runtime would collect a JSON body whole, however large; here it
///   is collected up to `JSONBody.maxRequestBytes` (413 past it) and an empty one is refused where
///   the document requires a body (`APIRequestBody`). Artifact uploads pass through unbuffered.
/// - **Headers read as before.** A JSON body is read as JSON whatever its `Content-Type` (curl's
///   `-d` sends `application/x-www-form-urlencoded`), and answers are JSON whatever `Accept` asks:
///   the generated serializer would otherwise refuse an answer after its handler had acted.
/// - **Decoding failures get Berth's words**: 400 `BadRequest` naming the field. Where the
///   handler's own `BerthCore` type also refuses the body, its message is the one sent, as before
///   the server was generated.
struct APIRequestMiddleware: ServerMiddleware {
    /// The workspace's admin token, to tell handlers and body readings whether a request has it.
    let adminToken: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.accept] = nil
        var body = body
        let reading = APIRequestBody.operations[operationID]
        var bytes: Data?
        switch reading?.kind {
        case .json(let required)?:
            let data = try await Self.collect(body, what: reading?.what ?? "request body")
            if data.isEmpty {
                if required {
                    throw BerthError.badRequest("The \(reading?.what ?? "request body") is empty; send a JSON object.")
                }
                body = nil
                request.headerFields[.contentType] = nil
            } else {
                body = HTTPBody(data)
                bytes = data
                request.headerFields[.contentType] = "application/json"
            }
        case .stream(let contentType)?:
            request.headerFields[.contentType] = contentType
        case nil:
            break
        }
        let admin = request.headerFields.bearerToken.map { ConstantTime.equals($0, adminToken) } ?? false
        return try await APIRequest.$current.withValue(request) {
            try await APIRequest.$presentsAdminToken.withValue(admin) {
                try await Self.decoding(
                    request, body: body, bytes: bytes, metadata: metadata, operationID: operationID, reading: reading,
                    next: next)
            }
        }
    }

    /// Runs the generated operation, explaining a request it cannot decode.
    private static func decoding(
        _ request: HTTPRequest, body: HTTPBody?, bytes: Data?, metadata: ServerRequestMetadata, operationID: String,
        reading: APIRequestBody?,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch let error as ServerError where error.operationInput == nil {
            guard let decoding = error.underlyingError as? DecodingError else { throw error }
            if let reading, let bytes {
                // Berth's own reading of the body says why, in the words clients have had so far.
                try reading.berthReading?(bytes)
                let problem = Self.allowedValues(decoding, operationID: operationID) ?? BerthJSON.describe(decoding)
                throw BerthError.badRequest("The \(reading.what) is not valid: \(problem)")
            }
            let problem =
                Self.allowedValues(decoding, operationID: operationID) ?? Self.describe(parameter: decoding)
            throw BerthError.badRequest(
                "A parameter of \(request.method.rawValue) \(request.path ?? "") is not valid: \(problem) "
                    + "See /openapi.json for the parameters.")
        }
    }

    /// The body, collected up to the API's limit.
    private static func collect(_ body: HTTPBody?, what: String) async throws -> Data {
        guard let body else { return Data() }
        do {
            return try await Data(collecting: body, upTo: JSONBody.maxRequestBytes)
        } catch {
            throw BerthError(.payloadTooLarge, "The \(what) is larger than \(JSONBody.maxRequestBytes) bytes.")
        }
    }

    /// For a value outside an `enum` of the document: the field and the values it takes.
    private static func allowedValues(_ error: DecodingError, operationID: String) -> String? {
        guard case .dataCorrupted(let context) = error, !context.codingPath.isEmpty else { return nil }
        let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
        guard let values = OpenAPIDocument.allowedValues(operationID: operationID, at: path) else { return nil }
        let field = path.joined(separator: ".")
        return "'\(field)' must be one of \(values.map { "'\($0)'" }.joined(separator: ", "))."
    }

    /// A query or path parameter's decoding failure: the runtime names the parameter in the coding
    /// path and says what it expected.
    private static func describe(parameter error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let name = context.codingPath.last?.stringValue ?? "a parameter"
            return "'\(name)' must be a \(Self.kind(of: type))."
        case .dataCorrupted(let context):
            let name = context.codingPath.last.map { "'\($0.stringValue)': " } ?? ""
            return "\(name)\(context.debugDescription)"
        default:
            return BerthJSON.describe(error)
        }
    }

    /// How a parameter's type reads in a message.
    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type: "whole number"
        case is Bool.Type: "boolean (true or false)"
        case is Double.Type: "number"
        default: "\(type)"
        }
    }
}
