import BerthCore
internal import Foundation
import HTTPTypes
internal import OpenAPIRuntime

/// What every call of the generated client does around its HTTP exchange: it sends the admin
/// token, turns a failed connection into the CLI's "cannot reach" error, and an error answer
/// (`{"error": {code, message, requestId}}`) into the `BerthError` it describes before the
/// generated code would decode it as one of the document's responses.
struct ControlPlaneMiddleware: ClientMiddleware {
    let token: String
    /// The server's URL as the user knows it, for messages.
    let baseURL: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL url: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        let response: HTTPResponse
        let responseBody: HTTPBody?
        do {
            (response, responseBody) = try await next(request, body, url)
        } catch {
            throw BerthError(
                .unavailable,
                "Cannot reach the Berth server at \(baseURL) (\(error)). Is 'berth server' running? Start it with 'berth server &'."
            )
        }
        guard response.status.kind == .successful else {
            var data = Data()
            if let responseBody { data = try await Data(collecting: responseBody, upTo: 1 << 20) }
            throw ControlPlaneClient.error(status: response.status.code, body: data)
        }
        return (response, responseBody)
    }
}
