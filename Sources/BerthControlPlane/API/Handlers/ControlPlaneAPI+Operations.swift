import BerthAPITypes
import BerthCore

/// `/api/v1/operations/<id>[?offset=N][&waitMs=M]`: a long operation's state and its log from line
/// `offset`; with `waitMs`, answered when there is something new (the operation ended or logged a
/// line past `offset`) or after at most `M` ms (at most 30 s): a long-poll.
extension ControlPlaneAPI {
    func getOperation(_ input: Operations.GetOperation.Input) async throws -> Operations.GetOperation.Output {
        let offset = input.query.offset ?? 0
        guard (0...Int(Int32.max)).contains(offset) else {
            throw BerthError.badRequest(
                "offset must be a whole number from 0 to \(Int32.max) (log lines to skip), not '\(offset)'.")
        }
        let waitMs = input.query.waitMs ?? 0
        guard (0...30_000).contains(waitMs) else {
            throw BerthError.badRequest(
                "waitMs must be a whole number of milliseconds from 0 to 30000 (how long to wait for news), "
                    + "not '\(waitMs)'.")
        }
        let operation = try await operations.operation(
            id: input.path.id, offset: offset, waitingUpTo: .milliseconds(waitMs))
        return .ok(.init(body: .json(try operation.checkedConversion())))
    }
}
