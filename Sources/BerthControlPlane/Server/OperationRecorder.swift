import BerthCore
import BerthStore
import Foundation

/// One running operation's record: each log line and state change is saved at once, so a
/// client polling `/api/v1/operations/<id>` sees progress while the work runs.
actor OperationRecorder {
    private var operation: BerthCore.Operation
    private let store: any OperationStore
    private let changes: ChangeSignal

    /// Records `operation` in `store`, firing `changes` after each save (the long-polls' wake-up).
    init(_ operation: BerthCore.Operation, store: any OperationStore, changes: ChangeSignal) {
        self.operation = operation
        self.store = store
        self.changes = changes
    }

    var id: String { operation.id }

    /// Marks the operation running.
    func start() async {
        operation.state = .running
        await save()
    }

    /// Appends a progress line.
    func log(_ message: String) async {
        operation.log.append(OperationLogEntry(message: message))
        await save()
    }

    /// Ends the operation: succeeded when `error` is nil.
    func finish(error: BerthError? = nil) async {
        operation.state = error == nil ? .succeeded : .failed
        operation.error = error.map { ErrorDetail($0) }
        operation.endTime = Date()
        await save()
    }

    private func save() async {
        // A store failure here must not end the work; the next save carries the whole record.
        try? await store.saveOperation(operation)
        changes.fire()
    }
}
