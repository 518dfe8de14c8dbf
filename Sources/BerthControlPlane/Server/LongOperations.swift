import BerthCore
import BerthStore
import Foundation

/// Records long operations in the store so their state and log survive and can be polled.
///
/// This first version runs the work before answering; deploys (a later issue) will run it in the
/// reconciler and answer at once.
struct LongOperations: Sendable {
    let store: any OperationStore
    /// Fired when a running operation's record changes (`DeploymentQueue.operationChanges`).
    var changes = ChangeSignal()
    /// The longest a long-poll is held.
    static let longestWait: Duration = .seconds(30)

    /// Runs `work`, recording its log lines and final state; returns the finished operation.
    /// A `BerthError` from the work is rethrown so the API answers with its status.
    func run(
        type: String, resource: String, _ work: (_ log: (String) -> Void) async throws -> Void
    ) async throws -> BerthCore.Operation {
        var operation = BerthCore.Operation(operationType: type, state: .running, resourceLocation: resource)
        var lines: [OperationLogEntry] = []
        do {
            try await work { lines.append(OperationLogEntry(message: $0)) }
            operation.state = .succeeded
        } catch let error as BerthError {
            operation.state = .failed
            operation.error = ErrorDetail(error)
            operation.log = lines
            operation.endTime = Date()
            try await store.saveOperation(operation)
            throw error
        }
        operation.log = lines
        operation.endTime = Date()
        try await store.saveOperation(operation)
        return operation
    }

    func operation(id: String) async throws -> BerthCore.Operation {
        guard let operation = try await store.operation(id: id) else {
            throw BerthError.notFound("Operation '\(id)' does not exist in this workspace.")
        }
        return operation
    }

    /// Operation `id` with its log from line `offset`, as soon as there is something new: it has
    /// ended, or has lines past `offset`; or as it is after `wait` (a long-poll, so a client
    /// hears a change when it happens instead of at its next poll).
    func operation(id: String, offset: Int, waitingUpTo wait: Duration) async throws -> BerthCore.Operation {
        let deadline = ContinuousClock.now.advanced(by: min(wait, Self.longestWait))
        while true {
            let seen = changes.version
            var operation = try await operation(id: id)
            operation.log = Array(operation.log.dropFirst(offset))
            let remaining = deadline - ContinuousClock.now
            if operation.isFinished || !operation.log.isEmpty || remaining <= .zero || Task.isCancelled {
                return operation
            }
            await changes.wait(after: seen, upTo: remaining)
        }
    }
}
