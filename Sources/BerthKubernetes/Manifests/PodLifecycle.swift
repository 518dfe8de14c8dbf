import BerthCore

/// How a replica container starts failing and stops, in Kubernetes' terms: the parts of the
/// replica container that make crash loops visible and scale-downs drain, kept apart from the
/// rest of the Pod template (`ReplicaPodSpec`).
///
/// Draining: when a Pod is deleted (a scale-down, a rolling update), Kubernetes marks it
/// terminating and its EndpointSlice endpoint `ready=false, terminating=true` at once, but the
/// routers learn it over a watch; the `preStop` sleep keeps the replica serving meanwhile, then
/// SIGTERM makes it finish the requests it has (up to `scoringTimeoutMs`) and exit.
enum PodLifecycle {
    /// How long a deleted replica Pod keeps serving before SIGTERM, while routers drop it.
    static let preStopSeconds = 5

    /// The Pod's `terminationGracePeriodSeconds`: the `preStop` sleep, then a request that just
    /// started may take `scoringTimeoutMs`, then a margin for the workers to exit.
    static func terminationGracePeriodSeconds(scoringTimeoutMs: Int) -> Int {
        preStopSeconds + (scoringTimeoutMs + 999) / 1000 + 10
    }

    /// The preStop handler: the `sleep` action, or `exec` of `sleep` for servers without it.
    static func preStopHandler(supportsSleepAction: Bool) -> JSONValue {
        supportsSleepAction
            ? ["sleep": ["seconds": .number(Double(preStopSeconds))]]
            : ["exec": ["command": ["sleep", .string(String(preStopSeconds))]]]
    }

    /// Whether an API server of `version` (`GET /version`) takes the `sleep` preStop action:
    /// beta and on by default from 1.30 (1.29 has it behind an alpha feature gate). Read from
    /// `gitVersion` (`v1.29.4-eks-…`), else `major`/`minor` (`"28+"` on some clouds); unknown
    /// versions are taken as new.
    static func supportsSleepAction(serverVersion version: JSONValue) -> Bool {
        let git = version["gitVersion"]?.stringValue ?? ""
        let parts = git.drop { $0 == "v" }.split(separator: ".").map { Int($0.prefix { $0.isNumber }) }
        let major = parts.first.flatMap { $0 } ?? Int((version["major"]?.stringValue ?? "").prefix { $0.isNumber })
        let minor =
            (parts.count > 1 ? parts[1] : nil) ?? Int((version["minor"]?.stringValue ?? "").prefix { $0.isNumber })
        guard let major, let minor else { return true }
        return major > 1 || (major == 1 && minor >= 30)
    }

    /// Worker failures in a row after which `berth replica` exits, so the kubelet sees a crash
    /// loop (the same count after which the control plane calls a local replica failed).
    static let exitAfterWorkerFailures = 3

    /// `container` (the replica container, whose `ReplicaLaunch.pod` passes
    /// `--exit-after-worker-failures`: an entry script whose `init()` fails makes the container
    /// exit instead of restarting its worker forever inside a Pod that is never ready, so the
    /// Pod's status carries the exit code and `CrashLoopBackOff`) with:
    /// - `terminationMessagePolicy: FallbackToLogsOnError`: the kubelet puts the end of the log
    ///   (whose last line is the replica's reason) in `lastState.terminated.message`, which
    ///   `PodStatusReader` shows in `berth service show`;
    /// - `lifecycle.preStop`: a `preStopSeconds` sleep, so a deleted Pod drains (see above): the
    ///   `sleep` action where the API server has it (`supportsSleepAction`), which needs nothing
    ///   in the image; else an `exec` of the image's `sleep` (an older server drops the unknown
    ///   `sleep` field and then refuses a preStop with no handler).
    static func replicaContainer(_ container: JSONValue, supportsSleepAction: Bool = true) -> JSONValue {
        guard case .object(var members) = container else { return container }
        members["terminationMessagePolicy"] = "FallbackToLogsOnError"
        members["lifecycle"] = ["preStop": preStopHandler(supportsSleepAction: supportsSleepAction)]
        return .object(members)
    }
}
