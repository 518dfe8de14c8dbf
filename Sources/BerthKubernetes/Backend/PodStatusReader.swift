import BerthBackends
import BerthCore
import Foundation

/// Reads replica state out of Pod objects, as `kubectl get pods` would show it: ready from the
/// `Ready` condition, restarts and the last termination reason from the container statuses, a crash
/// loop from `CrashLoopBackOff`, and a Pod the scheduler cannot place from `PodScheduled=False`
/// with reason `Unschedulable` (the scheduler's message says which resource is short).
public enum PodStatusReader {
    /// The status of one deployment from its Deployment and its Pods (a `PodList`'s `items`).
    ///
    /// During a rolling update only the Pods of the Deployment's current revision are `replicas`
    /// (what the update waits for); the others are `previousReplicas`, still serving until then.
    public static func deploymentStatus(name: String, deployment: JSONValue?, pods: [JSONValue]) -> DeploymentStatus {
        let desired = Int(deployment?["spec"]?["replicas"]?.numberValue ?? 0)
        let live = pods.filter { $0["metadata"]?["deletionTimestamp"] == nil }
        let revision = deployment?["spec"]?["template"]?["metadata"]?["labels"]?[ManifestLabels.revision]?.stringValue
        let isCurrent = { (pod: JSONValue) -> Bool in
            guard let revision, let own = pod["metadata"]?["labels"]?[ManifestLabels.revision]?.stringValue else {
                return true
            }
            return own == revision
        }
        let current = live.filter(isCurrent)
        let unschedulable = current.compactMap(unschedulableMessage).first
        var status = DeploymentStatus(
            name: name, desiredReplicas: desired, replicas: current.map(replicaStatus), unschedulable: unschedulable)
        status.previousReplicas = live.filter { !isCurrent($0) }.map(replicaStatus)
        return status
    }

    /// One Pod as a replica.
    public static func replicaStatus(_ pod: JSONValue) -> ReplicaStatus {
        let status = pod["status"]
        let container = (status?["containerStatuses"]?.arrayValue ?? []).first { $0["name"] == "replica" }
        let restarts = Int(container?["restartCount"]?.numberValue ?? 0)
        let isReady = (status?["conditions"]?.arrayValue ?? []).contains {
            $0["type"] == "Ready" && $0["status"] == "True"
        }
        let waiting = container?["state"]?["waiting"]
        let state: ReplicaStatus.State
        if isReady {
            state = .ready
        } else if waiting?["reason"] == "CrashLoopBackOff" || container?["state"]?["terminated"] != nil {
            state = .restarting
        } else if container?["state"]?["running"] != nil, restarts > 0 {
            state = .unhealthy
        } else {
            state = .starting
        }
        var replica = ReplicaStatus(
            id: pod["metadata"]?["name"]?.stringValue ?? "?", state: state, pid: nil,
            port: isReady ? ReplicaManifests.replicaPort : nil, restarts: restarts,
            lastError: lastError(container: container, pod: pod), workerFailures: 0)
        replica.host = status?["podIP"]?.stringValue
        return replica
    }

    /// The container's last termination (`Error, exit code 1`, `OOMKilled, exit code 137`), else
    /// why it waits (`ImagePullBackOff: …`), else why the init step failed.
    static func lastError(container: JSONValue?, pod: JSONValue) -> String? {
        if let terminated = container?["lastState"]?["terminated"] ?? container?["state"]?["terminated"] {
            let reason = terminated["reason"]?.stringValue ?? "Terminated"
            let code = terminated["exitCode"]?.numberValue.map { ", exit code \(Int($0))" } ?? ""
            // With `FallbackToLogsOnError` the message is the log's end; its last line says why.
            let message = terminated["message"]?.stringValue.flatMap(lastLine).map { ": \($0)" } ?? ""
            return "\(reason)\(code)\(message)"
        }
        if let waiting = container?["state"]?["waiting"], let reason = waiting["reason"]?.stringValue,
            reason != "PodInitializing", reason != "ContainerCreating"
        {
            return waiting["message"]?.stringValue.map { "\(reason): \($0)" } ?? reason
        }
        for initStatus in pod["status"]?["initContainerStatuses"]?.arrayValue ?? [] {
            if let terminated = initStatus["state"]?["terminated"] ?? initStatus["lastState"]?["terminated"],
                terminated["exitCode"]?.numberValue != 0
            {
                let name = initStatus["name"]?.stringValue ?? "init"
                return
                    "init container \(name) failed (\(terminated["reason"]?.stringValue ?? "Error"), exit code \(Int(terminated["exitCode"]?.numberValue ?? 1)))"
            }
        }
        return nil
    }

    /// The last non-empty line of `text`.
    static func lastLine(_ text: String) -> String? {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty }
    }

    /// The scheduler's message for a Pod it cannot place.
    static func unschedulableMessage(_ pod: JSONValue) -> String? {
        guard pod["status"]?["phase"] == "Pending" else { return nil }
        let condition = (pod["status"]?["conditions"]?.arrayValue ?? []).first {
            $0["type"] == "PodScheduled" && $0["status"] == "False" && $0["reason"] == "Unschedulable"
        }
        return condition.map {
            "Pod \(pod["metadata"]?["name"]?.stringValue ?? "?") cannot be scheduled: \($0["message"]?.stringValue ?? "no reason given")"
        }
    }
}
