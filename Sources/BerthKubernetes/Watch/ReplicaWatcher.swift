import BerthBackends
import BerthCore
import BerthKubernetesAPI
import Logging
import Synchronization

/// The shared, watched view of one cluster's replicas: `ReplicaWatchState` behind a `Mutex`.
/// `ReplicaWatcher` writes it; `KubernetesBackend.status` reads it instead of listing Pods per
/// question.
public final class ReplicaWatch: Sendable {
    private let state = Mutex(ReplicaWatchState())
    /// Called (outside the lock) when what readers see changed.
    let onChange: @Sendable () -> Void

    public init(onChange: @escaping @Sendable () -> Void = {}) {
        self.onChange = onChange
    }

    /// Changes the state under the lock, then runs the action it returned.
    func update(_ body: (inout ReplicaWatchState) -> ReplicaWatchState.Action) {
        let action = state.withLock { body(&$0) }
        if action == .notifyReaders { onChange() }
    }

    func resourceVersion(_ collection: ReplicaWatchState.Collection) -> String? {
        state.withLock { $0.resourceVersion(collection) }
    }

    /// What the watches say of deployment `name`.
    public func lookup(deployment name: String) -> ReplicaWatchState.Lookup {
        state.withLock { $0.lookup(deployment: name) }
    }
}

/// Keeps a `ReplicaWatch` in step with the cluster: for Berth's replica Deployments and Pods, list
/// then `watch=true` from the list's `resourceVersion`, resume after the server ends a watch,
/// list again on 410 Gone, and back off (on the injected clock) after other errors.
///
/// Watches every namespace (a deployment config may name its own); credentials that may not list
/// across namespaces fall back to the attachment's namespace. `run()` returns when cancelled: it is
/// meant to run inside a `Service` (the control plane's `KubernetesClusters`).
public struct ReplicaWatcher<C: Clock>: Sendable where C.Duration == Duration {
    public let client: KubernetesClient
    public let watch: ReplicaWatch
    let clock: C
    let logger: Logger
    /// Seconds a watch request stays open before the server ends it (then it resumes).
    let watchSeconds: Int

    public init(
        client: KubernetesClient, watch: ReplicaWatch, clock: C, watchSeconds: Int = 240,
        logger: Logger = Logger(label: "berth.kubernetes.watch")
    ) {
        self.client = client
        self.watch = watch
        self.clock = clock
        self.watchSeconds = watchSeconds
        self.logger = logger
    }

    static var selector: String { "\(ManifestLabels.managedBy)=berth,\(ManifestLabels.component)=replica" }

    /// Follows both collections until cancelled.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for collection in ReplicaWatchState.Collection.allCases {
                group.addTask { try await follow(collection) }
            }
        }
    }

    func follow(_ collection: ReplicaWatchState.Collection) async throws {
        var namespace: String? = nil
        var backoff = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                let list = try await client.list(
                    collection.resource, namespace: namespace, labelSelector: Self.selector)
                let version = list["metadata"]?["resourceVersion"]?.stringValue
                watch.update { $0.listed(collection, items: list["items"]?.arrayValue ?? [], resourceVersion: version) }
                backoff = .milliseconds(200)
                // Resume after each server-side timeout from the last version seen, without listing.
                while !Task.isCancelled {
                    let from = watch.resourceVersion(collection)
                    try await client.watch(
                        collection.resource, namespace: namespace, labelSelector: Self.selector, resourceVersion: from,
                        timeoutSeconds: watchSeconds
                    ) { event in
                        watch.update { $0.received(collection, event) }
                        return true
                    }
                }
            } catch let error as KubernetesError where error.code == .gone {
                logger.debug("Watch too old; listing again", metadata: ["k8s.collection": "\(collection)"])
            } catch let error as KubernetesError where error.code == .forbidden && namespace == nil {
                namespace = client.connection.namespace
                logger.notice(
                    "Cannot watch across namespaces; watching the attachment's only",
                    metadata: ["k8s.namespace": "\(client.connection.namespace)"])
            } catch {
                if Task.isCancelled { return }
                watch.update {
                    $0.lost(collection)
                    return .none
                }
                logger.notice(
                    "Watch failed; retrying", metadata: ["k8s.collection": "\(collection)", "error": "\(error)"])
                try await clock.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }
}
