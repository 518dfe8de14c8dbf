import BerthCore
import Hummingbird

/// `/api/v1/operations/<id>[?offset=N]`: a long operation's state and its log from line `offset`.
struct OperationRoutes<Context: RequestContext> {
    let operations: Operations

    func add(to router: Router<Context>) {
        router.get("/api/v1/operations/:id") { request, context in
            let id = try context.parameters.decoded("id")
            var operation = try await operations.operation(id: id)
            if let offsetText = request.uri.queryParameters.get("offset") {
                guard let offset = Int(offsetText), (0...Int(Int32.max)).contains(offset) else {
                    throw BerthError.badRequest(
                        "offset must be a whole number from 0 to \(Int32.max) (log lines to skip), not '\(offsetText)'."
                    )
                }
                operation.log = Array(operation.log.dropFirst(offset))
            }
            return try JSONBody.response(operation)
        }
    }
}
