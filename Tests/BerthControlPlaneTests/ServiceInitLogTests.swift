import BerthCore
import Foundation
import Testing

@testable import BerthControlPlane

/// `get-logs --init`: the last deploy's log, then each replica's start-up lines only.
struct ServiceInitLogTests {
    static let replicaLogs = """
        ==> svc-0 <==
        2026-01-01T00:00:00.000Z info berth.replica: Memory limit 512 MB enforced with cgroup v2 (/sys/fs/cgroup/x)
        2026-01-01T00:00:00.010Z info berth.replica: Replica listening address=127.0.0.1:4000 workers=2
        2026-01-01T00:00:00.020Z info berth.replica: worker-0 started worker.pid=11
        2026-01-01T00:00:00.021Z info berth.replica: worker-1 started worker.pid=12
        2026-01-01T00:00:00.100Z worker-0 loading the model
        2026-01-01T00:00:00.200Z info berth.replica: worker-0 ready: init() succeeded worker.pid=11
        2026-01-01T00:00:00.300Z worker-0 scoring request 1
        2026-01-01T00:00:00.310Z worker-1 Traceback: init failed
        2026-01-01T00:00:00.320Z error berth.replica: worker-1 init() failed: ValueError
        2026-01-01T00:00:01.000Z info berth.replica: worker-1 started worker.pid=13
        2026-01-01T00:00:01.100Z worker-1 loading the model again
        2026-01-01T00:00:01.200Z info berth.replica: worker-1 ready: init() succeeded worker.pid=13
        2026-01-01T00:00:01.300Z worker-1 scoring request 2
        2026-01-01T00:00:01.400Z info berth.replica: Shutting down: finishing requests in flight, then stopping workers
        ==> svc-1 <==
        2026-01-01T00:00:00.000Z info berth.replica: Replica listening address=127.0.0.1:4001 workers=1
        2026-01-01T00:00:00.020Z info berth.replica: worker-0 started worker.pid=21
        2026-01-01T00:00:00.100Z worker-0 still loading

        """

    @Test("Start-up lines and init() output are kept; scoring output and later events are not")
    func startUpOnly() {
        let lines = ServiceInitLog.startUpLines(ofReplicaLogs: Self.replicaLogs).map(String.init)
        #expect(
            lines == [
                "==> svc-0 <==",
                "2026-01-01T00:00:00.000Z info berth.replica: Memory limit 512 MB enforced with cgroup v2 (/sys/fs/cgroup/x)",
                "2026-01-01T00:00:00.010Z info berth.replica: Replica listening address=127.0.0.1:4000 workers=2",
                "2026-01-01T00:00:00.020Z info berth.replica: worker-0 started worker.pid=11",
                "2026-01-01T00:00:00.021Z info berth.replica: worker-1 started worker.pid=12",
                "2026-01-01T00:00:00.100Z worker-0 loading the model",
                "2026-01-01T00:00:00.200Z info berth.replica: worker-0 ready: init() succeeded worker.pid=11",
                "2026-01-01T00:00:00.310Z worker-1 Traceback: init failed",
                "2026-01-01T00:00:00.320Z error berth.replica: worker-1 init() failed: ValueError",
                "2026-01-01T00:00:01.000Z info berth.replica: worker-1 started worker.pid=13",
                "2026-01-01T00:00:01.100Z worker-1 loading the model again",
                "2026-01-01T00:00:01.200Z info berth.replica: worker-1 ready: init() succeeded worker.pid=13",
                "==> svc-1 <==",
                "2026-01-01T00:00:00.000Z info berth.replica: Replica listening address=127.0.0.1:4001 workers=1",
                "2026-01-01T00:00:00.020Z info berth.replica: worker-0 started worker.pid=21",
                "2026-01-01T00:00:00.100Z worker-0 still loading",
            ])
    }

    @Test("The operation's log comes first; each part keeps its last N lines")
    func operationFirstAndTails() {
        var operation = BerthCore.Operation(
            id: "op-1", operationType: "DeployService", state: .succeeded, resourceLocation: "/api/v1/services/svc")
        let time = Date(timeIntervalSince1970: 0)
        operation.log = ["Packaged 3 files", "Warning: baseImage is not used", "Service 'svc' is Healthy."].map {
            OperationLogEntry(time: time, message: $0)
        }
        let text = ServiceInitLog.render(operations: [operation], replicaLogs: Self.replicaLogs, lines: 2)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "==> operation op-1 (DeployService, Succeeded) <==")
        #expect(lines[1].hasSuffix(" Warning: baseImage is not used"))
        #expect(lines[2].hasSuffix(" Service 'svc' is Healthy."))
        #expect(lines[3] == "==> svc-0 <==")
        #expect(lines[4].hasSuffix("worker-1 loading the model again"))
        #expect(lines[5].hasSuffix("worker-1 ready: init() succeeded worker.pid=13"))
        #expect(lines[6] == "==> svc-1 <==")
        #expect(lines.count == 9)
        #expect(text.hasSuffix("worker-0 still loading\n"))
    }

    @Test("From the newest deploy on, its deploys and updates are shown, oldest first")
    func relevantOperations() {
        func operation(_ id: String, _ type: String) -> BerthCore.Operation {
            BerthCore.Operation(id: id, operationType: type, resourceLocation: "/api/v1/services/svc")
        }
        let newestFirst = [
            operation("u2", "UpdateService"), operation("k", "RegenerateKeys"), operation("u1", "UpdateService"),
            operation("d2", "DeployService"), operation("x", "DeleteService"), operation("d1", "DeployService"),
        ]
        #expect(ServiceInitLog.relevant(newestFirst).map(\.id) == ["d2", "u1", "u2"])
    }

    @Test("Without a recorded operation, it says so")
    func noOperation() {
        let text = ServiceInitLog.render(operations: [], replicaLogs: "", lines: 10)
        #expect(text == "==> no deploy or update operation of this service is recorded <==\n")
    }
}
