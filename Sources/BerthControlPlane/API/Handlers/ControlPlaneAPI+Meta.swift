import BerthAPITypes
import BerthCore

/// `/health`, and the operations `ControlPlaneAPI.handWritten` lists, which the generated server
/// never reaches.
extension ControlPlaneAPI {
    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        .ok(.init(body: .json(try ["status": "Healthy"].checkedConversion())))
    }

    func openAPIDocument(_ input: Operations.OpenAPIDocument.Input) async throws -> Operations.OpenAPIDocument.Output {
        throw Self.servedByHand("GET /openapi.json")
    }

    func getRoutes(_ input: Operations.GetRoutes.Input) async throws -> Operations.GetRoutes.Output {
        throw Self.servedByHand("GET /api/v1/routes")
    }

    private static func servedByHand(_ route: String) -> BerthError {
        BerthError(.internalError, "\(route) is served by its hand-written route, not the generated server.")
    }
}
