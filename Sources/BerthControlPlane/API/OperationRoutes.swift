import BerthCore
import Hummingbird

/// `/api/v1/operations/<id>[?offset=N][&waitMs=M]`: a long operation's state and its log from line
/// `offset`; with `waitMs`, answered when there is something new (the operation ended or logged a
/// line past `offset`) or after at most `M` ms (at most 30 s): a long-poll.
struct OperationRoutes<Context: RequestContext> {
    let operations: Operations

    func add(to router: Router<Context>) {
        router.get("/api/v1/operations/:id") { request, context in
            let id = try context.parameters.decoded("id")
            var offset = 0
            if let offsetText = request.uri.queryParameters.get("offset") {
                guard let value = Int(offsetText), (0...Int(Int32.max)).contains(value) else {
                    throw BerthError.badRequest(
                        "offset must be a whole number from 0 to \(Int32.max) (log lines to skip), not '\(offsetText)'."
                    )
                }
                offset = value
            }
            var wait = Duration.zero
            if let waitText = request.uri.queryParameters.get("waitMs") {
                guard let value = Int(waitText), (0...30_000).contains(value) else {
                    throw BerthError.badRequest(
                        "waitMs must be a whole number of milliseconds from 0 to 30000 (how long to wait for news), "
                            + "not '\(waitText)'.")
                }
                wait = .milliseconds(value)
            }
            let operation = try await operations.operation(id: id, offset: offset, waitingUpTo: wait)
            return try JSONBody.response(operation)
        }
    }
}
