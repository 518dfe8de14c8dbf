import BerthBackends
import BerthCore
import BerthKubernetesAPI
import Logging

/// Runs deployments as Deployments of replica Pods on an attached Kubernetes cluster.
///
/// `apply` creates or replaces the deployment's objects (`ReplicaManifests`) when its revision
/// changed — Kubernetes then rolls the Pods over, a new one ready before an old one goes — and
/// only moves `replicas` through the Deployment's `scale` subresource when nothing else changed, so
/// the autoscaler's decisions never restart Pods. `status` reads the Pods back (`PodStatusReader`),
/// from the `ReplicaWatch` a `ReplicaWatcher` keeps when one is given.
///
/// What only Kubernetes needs beyond a `DeploymentSpec` (the resolved namespace, image, files to
/// fetch) comes from `workload`, which the control plane provides. A deployment lives in its
/// config's `namespace` when it names one (created, labelled as Berth's, when missing), else in
/// the attachment's; the other calls find it there (`DeploymentNamespaces`).
///
/// ```swift
/// let backend = KubernetesBackend(client: client, workload: { spec in try await plan.workload(for: spec) })
/// try await backend.apply(spec)
/// ```
public struct KubernetesBackend: ComputeBackend {
    public let client: KubernetesClient
    /// Maps a spec to everything its manifests are generated from; its `namespace` must be
    /// `spec.namespace`, else the client's. Called only when the objects are (re)created.
    /// It may tell the deploy's progress output what it chose.
    public let workload:
        @Sendable (DeploymentSpec, _ progress: @escaping DeployProgress) async throws -> ReplicaWorkload
    /// The watched view of the cluster's replicas (fed by a `ReplicaWatcher`), or nil to list per question.
    public let watch: ReplicaWatch?
    let logger: Logger
    let namespaces = DeploymentNamespaces()
    /// Nodes and Pods for `replicaCapacity`, listed at most every 3 s.
    let capacitySnapshots = ClusterSnapshotCache()
    /// How long a deploy waits for its namespace when it is still being deleted.
    public var namespaceWait = NamespaceTerminationWait()
    /// The API server's answer to whether it takes the `sleep` preStop action, asked once.
    let sleepAction = SleepActionSupport()
    /// The secret a deployment's replicas require beside scoring requests (and `/metrics`), which
    /// `metrics(ofDeployment:)` presents; nil reads no replica's metrics.
    public var replicaSecret: @Sendable (_ service: String) -> String? = { _ in nil }

    public init(
        client: KubernetesClient, watch: ReplicaWatch? = nil, logger: Logger = Logger(label: "berth.kubernetes"),
        workload: @escaping @Sendable (DeploymentSpec) async throws -> ReplicaWorkload
    ) {
        self.init(
            client: client, watch: watch, logger: logger, reportingWorkload: { spec, _ in try await workload(spec) })
    }

    /// A backend whose `workload` tells the deploy's progress output what it chose.
    public init(
        client: KubernetesClient, watch: ReplicaWatch? = nil, logger: Logger = Logger(label: "berth.kubernetes"),
        reportingWorkload:
            @escaping @Sendable (DeploymentSpec, _ progress: @escaping DeployProgress) async throws
            -> ReplicaWorkload
    ) {
        self.client = client
        self.watch = watch
        self.workload = reportingWorkload
        self.logger = logger
    }

    /// The attachment's namespace: deployments whose config names none live here.
    var namespace: String { client.connection.namespace }

    /// Creates or replaces the deployment's objects when its revision (or namespace) changed — only
    /// then is `workload` called — else moves its replica count through `scale`.
    public func apply(_ spec: DeploymentSpec) async throws {
        try await apply(spec, progress: { _ in })
    }

    public func apply(_ spec: DeploymentSpec, progress: @escaping DeployProgress) async throws {
        let name = ManifestLabels.objectName(service: spec.name)
        do {
            let previous = try await namespace(ofDeployment: spec.name)
            if let previous, previous == spec.namespace ?? namespace,
                let current = try await client.getIfPresent(.deployments, namespace: previous, name: name),
                current["spec"]?["template"]?["metadata"]?["annotations"]?[ManifestLabels.revision]?.stringValue
                    == spec.revision
            {
                if Int(current["spec"]?["replicas"]?.numberValue ?? -1) != spec.replicas {
                    try await client.scaleDeployment(namespace: previous, name: name, replicas: spec.replicas)
                    logger.info(
                        "Scaled deployment",
                        metadata: ["deployment.name": "\(spec.name)", "replicas": "\(spec.replicas)"])
                }
                return
            }
            var workload = try await workload(spec, progress)
            workload.supportsSleepAction = try await supportsSleepAction()
            try await ensureNamespace(of: workload, progress: progress)
            try await allowRouter(in: workload.namespace, compute: spec.computeName)
            var deploymentUID: String?
            for manifest in ReplicaManifests.all(workload) {
                let applied = try await client.createOrReplace(manifest)
                if manifest["kind"] == "Deployment" { deploymentUID = applied["metadata"]?["uid"]?.stringValue }
            }
            // Created before the Deployment (its Pods read the Secret, and are never reachable
            // before their NetworkPolicy exists), owned by it once it exists.
            if let deploymentUID {
                let owner = ReplicaManifests.ownedBy(
                    ReplicaManifests.ownerReference(deploymentUID: deploymentUID, service: spec.name))
                for kind in [KubernetesResource.services, .secrets, .networkPolicies] {
                    try await client.mergePatch(kind, namespace: workload.namespace, name: name, patch: owner)
                }
            }
            namespaces.remember(workload.namespace, of: spec.name)
            namespaces.remember(revision: spec.revision, of: spec.name)
            if let previous, previous != workload.namespace {
                // The config moved the deployment: the new Pods are created, the old ones go.
                try await remove(deploymentNamespace: previous, name: spec.name)
                logger.info(
                    "Moved deployment",
                    metadata: ["deployment.name": "\(spec.name)", "k8s.namespace.previous": "\(previous)"])
            }
            logger.info(
                "Applied deployment", metadata: ["deployment.name": "\(spec.name)", "revision": "\(spec.revision)"])
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }

    /// Whether the API server takes the `sleep` preStop action (`PodLifecycle`), from
    /// `GET /version` the first time it is needed.
    func supportsSleepAction() async throws -> Bool {
        if let known = sleepAction.known { return known }
        let supported = PodLifecycle.supportsSleepAction(serverVersion: try await client.version())
        sleepAction.known = supported
        return supported
    }

    /// The autoscaler's lever: the Deployment's `scale` subresource, so no Pod restarts.
    ///
    /// A Pod a scale-down removes drains: its `preStop` sleep keeps it serving while routers drop
    /// its terminating endpoint, then SIGTERM lets it finish its requests (`PodLifecycle`).
    public func scale(deploymentNamed name: String, to replicas: Int) async throws {
        do {
            let home = try await namespace(ofDeployment: name) ?? self.namespace
            try await client.scaleDeployment(
                namespace: home, name: ManifestLabels.objectName(service: name), replicas: replicas)
            logger.info("Scaled deployment", metadata: ["deployment.name": "\(name)", "replicas": "\(replicas)"])
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }

    /// The autoscaler's limit: what the ready nodes' allocatable CPU and memory minus other Pods'
    /// requests hold (`ReplicaCapacityReader`), from Nodes and Pods listed at most every 3 s
    /// (`ClusterSnapshotCache`); nil when it cannot be read (the scheduler then decides, and Pods
    /// it cannot place show as Unschedulable in `status`).
    public func replicaCapacity(ofDeployment name: String) async -> ReplicaCapacity? {
        do {
            guard let home = try await namespace(ofDeployment: name),
                let deployment = try await client.getIfPresent(
                    .deployments, namespace: home, name: ManifestLabels.objectName(service: name))
            else { return nil }
            let (nodes, pods) = try await capacitySnapshots.snapshot {
                (try await client.list(.nodes, namespace: nil), try await client.list(.pods, namespace: nil))
            }
            return ReplicaCapacityReader.capacity(service: name, deployment: deployment, nodes: nodes, pods: pods)
        } catch {
            logger.notice(
                "Could not read the cluster's free capacity",
                metadata: ["deployment.name": "\(name)", "error": "\(error)"])
            return nil
        }
    }

    /// Deletes the deployment's Deployment, Service, Secrets and NetworkPolicy in `namespace` (the
    /// Pods go with the Deployment; the namespace and its `berth-replica` account stay until detach).
    public func remove(deploymentNamespace namespace: String, name: String) async throws {
        let objectName = ManifestLabels.objectName(service: name)
        for kind in [KubernetesResource.deployments, .services, .secrets, .networkPolicies] {
            try await client.delete(kind, namespace: namespace, name: objectName)
        }
        try await client.delete(.secrets, namespace: namespace, name: ReplicaManifests.pullSecretName(service: name))
        try await disallowRouterIfUnused(in: namespace)
    }

    /// Lets the in-cluster router read EndpointSlices and Pods in `namespace` when it is not the
    /// attachment's (whose Role attach made): a Role and RoleBinding for its ServiceAccount.
    func allowRouter(in namespace: String, compute: String) async throws {
        guard namespace != self.namespace else { return }
        _ = try await client.createOrReplace(RouterManifests.readerRole(namespace: namespace, compute: compute))
        _ = try await client.createOrReplace(RouterManifests.readerRoleBinding(namespace: namespace, compute: compute))
    }

    /// Deletes the router's Role and RoleBinding in `namespace` (not the attachment's) once no
    /// Berth replica Deployment is left there.
    func disallowRouterIfUnused(in namespace: String) async throws {
        guard namespace != self.namespace else { return }
        let left = try await client.list(
            .deployments, namespace: namespace,
            labelSelector: "\(ManifestLabels.managedBy)=berth,\(ManifestLabels.component)=replica")
        guard (left["items"]?.arrayValue ?? []).isEmpty else { return }
        _ = try await client.delete(.roleBindings, namespace: namespace, name: RouterInstallation.routerName)
        _ = try await client.delete(.roles, namespace: namespace, name: RouterInstallation.routerName)
    }

    public func remove(deploymentNamed name: String) async {
        do {
            if let found = try await namespace(ofDeployment: name) {
                try await remove(deploymentNamespace: found, name: name)
            }
            namespaces.forget(name)
        } catch {
            logger.notice(
                "Could not delete a deployment's Kubernetes objects",
                metadata: ["deployment.name": "\(name)", "error": "\(error)"])
        }
    }

    /// From the watch when it is synced and has seen the revision last applied; else from a get
    /// of the Deployment and a list of its Pods.
    public func status(ofDeployment name: String) async -> DeploymentStatus? {
        if let watch, case .found(let status, let revision) = watch.lookup(deployment: name),
            revision == namespaces.revision(of: name) ?? revision
        {
            return status
        }
        do {
            let objectName = ManifestLabels.objectName(service: name)
            guard let home = try await namespace(ofDeployment: name),
                let deployment = try await client.getIfPresent(.deployments, namespace: home, name: objectName)
            else { return nil }
            return PodStatusReader.deploymentStatus(
                name: name, deployment: deployment, pods: try await replicaPods(ofDeployment: name, in: home))
        } catch {
            logger.notice(
                "Could not read a deployment's Pods", metadata: ["deployment.name": "\(name)", "error": "\(error)"])
            return nil
        }
    }

    public func logs(ofDeployment name: String, replica: String?, lines: Int) async throws -> String {
        do {
            let home = try await namespace(ofDeployment: name) ?? self.namespace
            let pods: [String]
            if let replica {
                pods = [replica]
            } else {
                pods = try await replicaPods(ofDeployment: name, in: home).compactMap {
                    $0["metadata"]?["name"]?.stringValue
                }
            }
            var text = ""
            for pod in pods {
                text += "==> \(pod) <==\n" + (try await client.podLog(namespace: home, pod: pod, tailLines: lines))
            }
            return text
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }

    /// The deployment's replica Pods in `namespace`, by their labels (every phase).
    func replicaPods(ofDeployment name: String, in namespace: String) async throws -> [JSONValue] {
        let list = try await client.list(
            .pods, namespace: namespace,
            labelSelector: ManifestLabels.selectorString(ManifestLabels.replicaSelector(service: name)))
        return list["items"]?.arrayValue ?? []
    }
}
