import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The one error the REST API returns: a `BerthError` turned into its HTTP status and the stable
/// body `{"error": {"code", "message", "requestId"}}`.
struct APIError: HTTPResponseError {
    var error: BerthError
    var requestID: String?
    /// Headers the answer carries besides the content type and request id (`Allow` on a 405).
    var headers: HTTPFields = [:]

    /// The codes the native API answers with: the `ErrorCode` enum of `openapi/berth.json`
    /// (`OpenAPIDocumentTests` keeps the two equal). `environmentBuildFailed` appears in an
    /// operation's error only.
    static let codes: [BerthError.Code] = [
        .badRequest, .invalidConfiguration, .invalidName, .unauthorized, .forbidden, .notFound, .resourceNotFound,
        .methodNotAllowed, .alreadyExists, .conflict, .payloadTooLarge, .insufficientCapacity, .internalError,
        .notImplemented, .unavailable, .environmentBuildFailed,
    ]

    var status: HTTPResponse.Status {
        error.code == .methodNotAllowed ? .methodNotAllowed : .init(code: error.code.httpStatus)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorResponse(error: ErrorDetail(error, requestId: requestID))
        let data = (try? BerthJSON.encode(body)) ?? Data("{}".utf8)
        var headers = self.headers
        headers[.contentType] = "application/json"
        if let requestID { headers[.requestID] = requestID }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HTTPField.Name {
    /// `x-ms-request-id`, Azure's request id header, on every response.
    static let requestID = HTTPField.Name("x-ms-request-id")!
    /// `Operation-Location`, where a long operation's status is read.
    static let operationLocation = HTTPField.Name("Operation-Location")!
}
