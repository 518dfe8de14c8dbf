import BerthCore
import Hummingbird

/// `/api/v1/operations/<id>[?offset=N][&waitMs=M]`: a long operation's state and its log from line
/// `offset`; with `waitMs`, answered when there is something new (the operation ended or logged a
/// line past `offset`) or after at most `M` ms (at most 30 s): a long-poll.
struct OperationRoutes<Context: RequestContext> {
    let operations: Operations

    func add(to router: Router<Context>) {
        router.get("/api/v1/operations/:id") { request, context in
            let id = try context.parameters.require("id")
            var offset = 0
            if let offsetText = request.uri.queryParameters.get("offset") {
                guard let value = Int(offsetText), value >= 0 else {
                    throw BerthError.badRequest("offset must be a non-negative integer, not '\(offsetText)'.")
                }
                offset = value
            }
            var wait = Duration.zero
            if let waitText = request.uri.queryParameters.get("waitMs") {
                guard let value = Int(waitText), value >= 0 else {
                    throw BerthError.badRequest(
                        "waitMs must be a non-negative integer of milliseconds (at most 30000), not '\(waitText)'.")
                }
                wait = .milliseconds(min(value, 30_000))
            }
            let operation = try await operations.operation(id: id, offset: offset, waitingUpTo: wait)
            return try JSONBody.response(operation)
        }
    }
}
