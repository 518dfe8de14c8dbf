import BerthBackends
import BerthCore
import BerthKubernetes
import Testing

struct PodStatusReaderTests {
    static func pod(_ name: String, phase: String = "Running", conditions: JSONValue = [], container: JSONValue? = nil,
        initContainers: JSONValue? = nil) -> JSONValue
    {
        var status: [String: JSONValue] = ["phase": .string(phase), "conditions": conditions]
        if let container { status["containerStatuses"] = [container] }
        if let initContainers { status["initContainerStatuses"] = initContainers }
        return ["metadata": ["name": .string(name)], "status": .object(status)]
    }

    @Test("A ready Pod is a ready replica on the replica port")
    func ready() {
        let replica = PodStatusReader.replicaStatus(
            Self.pod("p1", conditions: [["type": "Ready", "status": "True"]],
                container: ["name": "replica", "restartCount": 0, "state": ["running": [:]]]))
        #expect(replica.state == .ready)
        #expect(replica.port == 5001)
        #expect(replica.id == "p1")
    }

    @Test("A crash loop reports the restarts and the last termination reason")
    func crashLoop() {
        let replica = PodStatusReader.replicaStatus(
            Self.pod("p2", conditions: [["type": "Ready", "status": "False"]],
                container: [
                    "name": "replica", "restartCount": 4,
                    "state": ["waiting": ["reason": "CrashLoopBackOff", "message": "back-off 40s"]],
                    "lastState": ["terminated": ["reason": "OOMKilled", "exitCode": 137]],
                ]))
        #expect(replica.state == .restarting)
        #expect(replica.restarts == 4)
        #expect(replica.lastError == "OOMKilled, exit code 137")
    }

    @Test("A termination message from the log (FallbackToLogsOnError) adds its last line only")
    func terminationMessage() {
        let replica = PodStatusReader.replicaStatus(
            Self.pod("p2", conditions: [["type": "Ready", "status": "False"]],
                container: [
                    "name": "replica", "restartCount": 3,
                    "state": ["waiting": ["reason": "CrashLoopBackOff"]],
                    "lastState": ["terminated": ["reason": "Error", "exitCode": 1, "message": "line one\nThe replica gives up: worker 0 failed 3 times in a row (x).\n\n"]],
                ]))
        #expect(replica.lastError == "Error, exit code 1: The replica gives up: worker 0 failed 3 times in a row (x).")
    }

    @Test("A failed init container (a checksum mismatch) is the replica's last error")
    func initFailure() {
        let replica = PodStatusReader.replicaStatus(
            Self.pod("p3", phase: "Pending", container: ["name": "replica", "restartCount": 0, "state": ["waiting": ["reason": "PodInitializing"]]],
                initContainers: [["name": "fetch-artifacts", "state": ["terminated": ["reason": "Error", "exitCode": 1]]]]))
        #expect(replica.state == .starting)
        #expect(replica.lastError == "init container fetch-artifacts failed (Error, exit code 1)")
    }

    @Test("Pods the scheduler cannot place make the deployment unschedulable, with its message")
    func unschedulable() {
        let pending = Self.pod(
            "p4", phase: "Pending",
            conditions: [["type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."]])
        let status = PodStatusReader.deploymentStatus(
            name: "svc", deployment: ["spec": ["replicas": 2]],
            pods: [pending, Self.pod("p5", conditions: [["type": "Ready", "status": "True"]])])
        #expect(status.desiredReplicas == 2)
        #expect(status.readyCount == 1)
        #expect(status.unschedulable == "Pod p4 cannot be scheduled: 0/3 nodes are available: 3 Insufficient cpu.")
    }
}
