import BerthAPITypes
import BerthCore
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Testing

@testable import BerthClient

/// Around every generated call: the admin token goes out, error answers come back as the
/// `BerthError` the server described, and a refused connection says the server is not reachable.
struct ControlPlaneMiddlewareTests {
    let middleware = ControlPlaneMiddleware(token: "secret", baseURL: "http://127.0.0.1:1")

    @Test("Sends the admin token and passes a success through")
    func sendsTokenAndPassesSuccess() async throws {
        let (response, _) = try await middleware.intercept(
            HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/v1/models"), body: nil,
            baseURL: URL(string: "http://127.0.0.1:1")!, operationID: "listModels"
        ) { request, _, _ in
            #expect(request.headerFields[.authorization] == "Bearer secret")
            return (HTTPResponse(status: .ok), HTTPBody("{\"value\": []}"))
        }
        #expect(response.status == .ok)
    }

    @Test("An error answer becomes the BerthError it describes")
    func errorAnswerBecomesBerthError() async throws {
        let body = #"{"error": {"code": "NotFound", "message": "No model 'x'.", "requestId": "r1"}}"#
        await #expect(throws: BerthError(.notFound, "No model 'x'.")) {
            _ = try await middleware.intercept(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/v1/models/x"), body: nil,
                baseURL: URL(string: "http://127.0.0.1:1")!, operationID: "getModel"
            ) { _, _, _ in (HTTPResponse(status: .notFound), HTTPBody(body)) }
        }
    }

    @Test("A failed connection says the server cannot be reached")
    func failedConnectionIsUnavailable() async throws {
        struct Refused: Error {}
        let error = await #expect(throws: BerthError.self) {
            _ = try await middleware.intercept(
                HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/v1/models"), body: nil,
                baseURL: URL(string: "http://127.0.0.1:1")!, operationID: "listModels"
            ) { _, _, _ in throw Refused() }
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.hasPrefix("Cannot reach the Berth server at http://127.0.0.1:1") == true)
    }

    @Test("A request field the document does not declare is refused rather than dropped")
    func undeclaredRequestFieldIsRefused() throws {
        struct Registration: Codable {
            var name = "m"
            var files: [ArtifactFile] = []
            var undeclared = true
        }
        #expect(ConversionCheck.isOn, "debug builds, and scripts/test.sh's optimized ones, check")
        #expect(throws: BerthError.self) {
            _ = try Registration().checkedConversion(to: Components.Schemas.RegisterModel.self)
        }
        struct Declared: Codable {
            var name = "m"
            var files: [ArtifactFile] = []
        }
        let body = try Declared().checkedConversion(to: Components.Schemas.RegisterModel.self)
        #expect(body.name == "m")
    }
}
