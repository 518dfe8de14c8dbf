import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every API response an `x-ms-request-id` and turns every thrown error into the API's JSON
/// error body: `BerthError`s with their code, Hummingbird's own errors (404 route, body too large)
/// with theirs, anything else as a 500 whose real cause is logged, not shown.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let requestID = request.headers[.requestID] ?? UUID().uuidString.lowercased()
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = requestID
            return response
        } catch let error as BerthError {
            throw APIError(error: error, requestID: requestID)
        } catch let error as APIError {
            throw APIError(error: error.error, requestID: requestID, headers: error.headers)
        } catch let error as HTTPError {
            // The router's 404 for a declared path is a method the document does not list there.
            if error.status == .notFound, let refusal = MethodNotAllowed(method: request.method, path: request.uri.path)
            {
                throw APIError(error: refusal.error, requestID: requestID, headers: [.allow: refusal.allow])
            }
            let code: BerthError.Code =
                switch error.status.code {
                case 404: .notFound
                case 413: .payloadTooLarge
                case 401: .unauthorized
                case 403: .forbidden
                case 400..<500: .badRequest
                default: .internalError
                }
            let message =
                error.status.code == 404
                ? "No API route matches \(request.method) \(request.uri.path). See /openapi.json for the routes."
                : (error.body ?? error.status.reasonPhrase)
            throw APIError(error: BerthError(code, message), requestID: requestID)
        } catch {
            logger.error(
                "Unexpected error", metadata: ["request.id": "\(requestID)", "error": "\(String(reflecting: error))"])
            throw APIError(
                error: BerthError(
                    .internalError,
                    "An unexpected error occurred; the server log has the details under request id \(requestID)."),
                requestID: requestID)
        }
    }
}
