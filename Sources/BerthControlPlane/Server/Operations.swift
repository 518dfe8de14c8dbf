import BerthCore
import BerthStore
import Foundation

/// Records long operations in the store so their state and log survive and can be polled.
///
/// This first version runs the work before answering; deploys (a later issue) will run it in the
/// reconciler and answer at once.
struct Operations: Sendable {
    let store: any MetadataStore

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
}
