import BerthCore
import Hummingbird

/// `/api/v1/operations/<id>[?offset=N]`: a long operation's state and its log from line `offset`.
struct OperationRoutes<Context: RequestContext> {
    let operations: Operations

    func add(to router: Router<Context>) {
        router.get("/api/v1/operations/:id") { request, context in
            let id = try context.parameters.require("id")
            var operation = try await operations.operation(id: id)
            if let offsetText = request.uri.queryParameters.get("offset") {
                guard let offset = Int(offsetText), offset >= 0 else {
                    throw BerthError.badRequest("offset must be a non-negative integer, not '\(offsetText)'.")
                }
                operation.log = Array(operation.log.dropFirst(offset))
            }
            return try JSONBody.response(operation)
        }
    }
}
