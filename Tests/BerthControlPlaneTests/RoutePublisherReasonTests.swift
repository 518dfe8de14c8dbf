import BerthBackends
@testable import BerthControlPlane
import Testing

/// The end of a `ReplicasNotReady` message: why replicas are missing, as the backend knows it.
struct RoutePublisherReasonTests {
    func replica(_ id: String, _ state: ReplicaStatus.State, lastError: String?) -> ReplicaStatus {
        ReplicaStatus(id: id, state: state, pid: nil, port: nil, restarts: 2, lastError: lastError, workerFailures: 0)
    }

    @Test("A replica's last termination reason, the scheduler's message first, nothing when unknown")
    func reason() {
        var status = DeploymentStatus(
            name: "s", desiredReplicas: 2,
            replicas: [replica("p1", .ready, lastError: "old"), replica("p2", .restarting, lastError: "OOMKilled, exit code 137")])
        #expect(RoutePublisher.reason(status) == " Replica p2: OOMKilled, exit code 137")
        status.unschedulable = "Pod p3 cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu."
        #expect(RoutePublisher.reason(status) == " Pod p3 cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu.")
        #expect(RoutePublisher.reason(DeploymentStatus(name: "s", desiredReplicas: 1, replicas: [])) == "")
        #expect(RoutePublisher.reason(nil) == "")
    }
}
