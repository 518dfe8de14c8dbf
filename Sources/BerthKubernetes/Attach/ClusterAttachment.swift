import BerthCore
import BerthKubernetesAPI
import Logging

/// Attaching a cluster to a workspace and detaching it, through the Kubernetes API.
///
/// Attach checks, in order: the API answers (`/version`); ready nodes offer the purpose's minimum
/// vCPUs; no other workspace — and no other name in this one — marked the cluster (the
/// `berth-attachment` ConfigMap in `berth-system`). Then it installs the router (see
/// `RouterManifests`), creating or replacing each object so a retried attach converges.
public struct ClusterAttachment: Sendable {
    public let client: KubernetesClient
    public let logger: Logger
    /// How long attach waits for a namespace that an earlier detach left `Terminating`.
    public var namespaceWait: NamespaceTerminationWait

    public init(
        client: KubernetesClient, logger: Logger = Logger(label: "berth.kubernetes"),
        namespaceWait: NamespaceTerminationWait = NamespaceTerminationWait()
    ) {
        self.client = client
        self.logger = logger
        self.namespaceWait = namespaceWait
    }

    /// What attach found out about the cluster.
    public struct Result: Sendable, Hashable {
        public var serverVersion: String
        public var allocatableCores: Double
        public var readyNodes: Int
    }

    /// Checks the cluster and installs Berth in it. A namespace an earlier detach left
    /// `Terminating` is waited out (said once through `progress`), since nothing can be created in it.
    ///
    /// - Throws: `KubernetesError` — `.refused` for capacity or a marker of another attachment,
    ///   `.namespaceTerminating` when such a namespace outlasts `namespaceWait`,
    ///   `.unreachable`/`.unauthorized`/… when the API fails.
    public func attach(_ installation: RouterInstallation, progress: (String) -> Void = { _ in }) async throws
        -> Result
    {
        let version = try await client.version()
        let nodes = try await client.list(.nodes, namespace: nil)
        let (cores, ready, all) = ClusterCapacityCheck.allocatableCores(nodes: nodes)
        try ClusterCapacityCheck.check(cores: cores, readyNodes: ready, allNodes: all, purpose: installation.purpose)
        if let marker = try await client.getIfPresent(
            .configMaps, namespace: ManifestLabels.systemNamespace, name: RouterInstallation.markerName)
        {
            let workspace = marker["data"]?["workspaceID"]?.stringValue ?? "?"
            let name = marker["data"]?["computeName"]?.stringValue ?? "?"
            if workspace != installation.workspaceID || name != installation.computeName {
                let whose =
                    workspace == installation.workspaceID ? "this workspace" : "another workspace (\(workspace))"
                throw KubernetesError(
                    .refused,
                    "This cluster is already attached to \(whose) as compute target '\(name)'. Detach it there first ('berth computetarget detach -n \(name)'); a cluster serves one workspace under one name."
                )
            }
        }
        for manifest in RouterManifests.all(installation) {
            if manifest["kind"] == "Namespace" {
                // A namespace that exists stays as it is (its labels are the user's): only one
                // Berth creates carries Berth's labels, and only such a one is deleted at detach.
                try await client.createNamespaceWaitingOutTermination(
                    manifest, wait: namespaceWait, progress: { progress($0) })
            } else {
                try await client.createOrReplace(manifest)
            }
        }
        logger.info(
            "Attached Kubernetes cluster",
            metadata: ["compute.name": "\(installation.computeName)", "cluster.cores": "\(cores)"])
        return Result(
            serverVersion: version["gitVersion"]?.stringValue ?? "unknown", allocatableCores: cores, readyNodes: ready)
    }

    /// The replica Deployments Berth runs on this cluster for `computeName`, in any namespace (a
    /// deployment config may name its own).
    public func deployedServices(computeName: String, namespace: String) async throws -> [String] {
        let list = try await client.list(
            .deployments, namespace: nil,
            labelSelector:
                "\(ManifestLabels.managedBy)=berth,\(ManifestLabels.component)=replica,\(ManifestLabels.computeSelector(computeName))"
        )
        return (list["items"]?.arrayValue ?? []).compactMap {
            $0["metadata"]?["labels"]?[ManifestLabels.service]?.stringValue
        }
        .sorted()
    }

    /// Removes everything Berth created for `computeName`: replica objects (only with `force`
    /// when some exist), the router, its RBAC, the marker and the namespaces Berth made.
    public func detach(computeName: String, namespace: String, force: Bool) async throws {
        let services = try await deployedServices(computeName: computeName, namespace: namespace)
        if !services.isEmpty, !force {
            throw KubernetesError(
                .refused,
                "Services still run on this cluster: \(services.joined(separator: ", ")). Delete them first, or detach with --force to remove them too."
            )
        }
        let replicaSelector =
            "\(ManifestLabels.managedBy)=berth,\(ManifestLabels.component)=replica,\(ManifestLabels.computeSelector(computeName))"
        for kind in [KubernetesResource.deployments, .services, .secrets, .networkPolicies] {
            try await deleteAll(kind, namespace: nil, labelSelector: replicaSelector)
        }
        try await client.delete(.serviceAccounts, namespace: namespace, name: ReplicaManifests.serviceAccountName)
        try await deleteAll(.serviceAccounts, namespace: nil, labelSelector: replicaSelector)
        let routerSelector = "\(ManifestLabels.component)=router,\(ManifestLabels.computeSelector(computeName))"
        try await deleteAll(.roleBindings, namespace: namespace, labelSelector: routerSelector)
        try await deleteAll(.roles, namespace: namespace, labelSelector: routerSelector)
        for kind in [
            KubernetesResource.horizontalPodAutoscalers, .deployments, .services, .secrets, .serviceAccounts,
            .configMaps,
        ] {
            try await deleteAll(kind, namespace: ManifestLabels.systemNamespace, labelSelector: routerSelector)
        }
        let namespaces = try await client.list(
            .namespaces, namespace: nil,
            labelSelector: "\(ManifestLabels.managedBy)=berth,\(ManifestLabels.computeSelector(computeName))")
        for item in namespaces["items"]?.arrayValue ?? [] {
            guard let name = item["metadata"]?["name"]?.stringValue else { continue }
            try await client.delete(.namespaces, namespace: nil, name: name)
        }
        logger.info("Detached Kubernetes cluster", metadata: ["compute.name": "\(computeName)"])
    }

    /// Deletes every `kind` object matching `labelSelector` in `namespace` (nil: in every namespace).
    private func deleteAll(_ kind: KubernetesResource, namespace: String?, labelSelector: String) async throws {
        let list = try await client.list(kind, namespace: namespace, labelSelector: labelSelector)
        for item in list["items"]?.arrayValue ?? [] {
            guard let name = item["metadata"]?["name"]?.stringValue else { continue }
            try await client.delete(
                kind, namespace: item["metadata"]?["namespace"]?.stringValue ?? namespace, name: name)
        }
    }
}
