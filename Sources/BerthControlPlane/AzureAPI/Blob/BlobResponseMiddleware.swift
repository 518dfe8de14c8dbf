import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every blob response Azure's `x-ms-request-id`, `x-ms-version` and the client's
/// `x-ms-client-request-id`, and answers every error as Azure's XML error: `BlobStorageError`s as
/// they are, `BerthError`s and Hummingbird's own errors under the closest Azure code, anything
/// else as a 500 whose real cause is logged under the request id, not shown.
struct BlobResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let requestID = UUID().uuidString.lowercased()
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            var failure = Self.storageError(for: error, request: request)
            if failure.status.code >= 500 {
                logger.error(
                    "Blob request failed",
                    metadata: ["request.id": "\(requestID)", "error": "\(String(reflecting: error))"])
            } else {
                logger.debug(
                    "Blob request refused",
                    metadata: ["request.id": "\(requestID)", "error.code": "\(failure.code)"])
            }
            failure.requestID = requestID
            response = try failure.response(from: request, context: context)
        }
        response.headers[.requestID] = requestID
        response.headers[BlobHeader.version] = BlobGrants.serviceVersion
        if let clientID = request.headers[BlobHeader.clientRequestID] {
            response.headers[BlobHeader.clientRequestID] = clientID
        }
        return response
    }

    private static func storageError(for error: any Error, request: Request) -> BlobStorageError {
        switch error {
        case let error as BlobStorageError:
            return error
        case let error as BerthError where error.code.httpStatus == 413:
            return BlobStorageError(.contentTooLarge, "RequestBodyTooLarge", error.message)
        case let error as BerthError where (400..<500).contains(error.code.httpStatus):
            return BlobStorageError(.init(code: error.code.httpStatus), "InvalidInput", error.message)
        case let error as BerthError:
            return BlobStorageError(.internalServerError, "InternalError", error.message)
        case let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed:
            return BlobStorageError(
                .methodNotAllowed, "UnsupportedHttpVerb",
                "\(request.method) is not served here: this server takes PUT, GET and HEAD on /<container>/<blob>.")
        case let error as HTTPError where (400..<500).contains(error.status.code):
            return BlobStorageError(error.status, "InvalidInput", error.body ?? error.status.reasonPhrase)
        default:
            return BlobStorageError(
                .internalServerError, "InternalError",
                "The server failed to handle the request; its log has the details under this request id.")
        }
    }
}
