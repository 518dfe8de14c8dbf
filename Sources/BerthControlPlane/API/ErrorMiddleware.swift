import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime

/// Gives every API response an `x-ms-request-id` and turns every thrown error into the API's JSON
/// error body: `BerthError`s with their code, Hummingbird's own errors (404 route, body too large)
/// with theirs, anything else as a 500 whose real cause is logged, not shown. The generated
/// server wraps what its handlers and `APIRequestMiddleware` throw in a `ServerError`; its
/// `underlyingError` is answered as if thrown directly.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let requestID = request.headers[.requestID] ?? UUID().uuidString.lowercased()
        do {
            do {
                var response = try await next(request, context)
                response.headers[.requestID] = requestID
                return response
            } catch let error as ServerError {
                throw Self.unwrapped(error)
            }
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

    /// What a generated operation's error is for the API: the handler's own error, or for a
    /// request the runtime refused before any handler ran (a content type it cannot read, a
    /// missing parameter), a `BerthError` with the runtime's status and description.
    static func unwrapped(_ error: ServerError) -> any Error {
        switch error.underlyingError {
        case let error as BerthError: return error
        case let error as APIError: return error
        case let error as HTTPError: return error
        default: break
        }
        guard (400..<500).contains(error.httpStatus.code) else { return error.underlyingError }
        let code: BerthError.Code = error.httpStatus.code == 404 ? .notFound : .badRequest
        return BerthError(code, "The request is not valid: \(error.causeDescription) See /openapi.json.")
    }
}
