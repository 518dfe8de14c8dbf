import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

/// `GET /api/v1/operations/<id>?offset=N&waitMs=M` answers when something new happens, not at the
/// client's next poll: the recorder's saves wake the waiting request.
struct OperationLongPollTests {
    @Test("A long-poll returns with the line the operation logs while it waits", .timeLimit(.minutes(1)))
    func wakesOnANewLine() async throws {
        let store = InMemoryMetadataStore()
        let changes = ChangeSignal()
        let operations = LongOperations(store: store, changes: changes)
        let operation = BerthCore.Operation(operationType: "DeployService", resourceLocation: "/api/v1/services/svc")
        try await store.saveOperation(operation)
        let recorder = OperationRecorder(operation, store: store, changes: changes)
        await recorder.start()
        await recorder.log("Packaged 3 files")

        // Nothing past line 1 yet: the request waits (up to 30 s, far past this test's pace) ...
        async let answer = operations.operation(id: operation.id, offset: 1, waitingUpTo: .seconds(30))
        // ... until the next line is recorded.
        await recorder.log("Replicas ready: 1/1")
        let woken = try await answer
        #expect(woken.log.map(\.message) == ["Replicas ready: 1/1"])
        #expect(woken.state == .running)

        await recorder.finish()
        let ended = try await operations.operation(id: operation.id, offset: 2, waitingUpTo: .seconds(30))
        #expect(ended.state == .succeeded)
        #expect(ended.log.isEmpty)
    }

    @Test("Without waitMs, or with nothing new within it, the answer is the operation as it is")
    func answersAsItIs() async throws {
        let store = InMemoryMetadataStore()
        let operations = LongOperations(store: store, changes: ChangeSignal())
        let operation = BerthCore.Operation(operationType: "DeployService", state: .running, resourceLocation: "/x")
        try await store.saveOperation(operation)
        let now = try await operations.operation(id: operation.id, offset: 0, waitingUpTo: .zero)
        #expect(now.state == .running)
        let later = try await operations.operation(id: operation.id, offset: 0, waitingUpTo: .milliseconds(20))
        #expect(later.state == .running)
        await #expect(throws: BerthError.self) {
            try await operations.operation(id: "missing", offset: 0, waitingUpTo: .zero)
        }
    }
}
