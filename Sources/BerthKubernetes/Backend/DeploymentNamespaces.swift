import BerthBackends
import BerthCore
import BerthKubernetesAPI
import Logging
import Synchronization

/// Which namespace each deployment's objects live in, remembered per backend.
///
/// A deployment config may name its own `namespace`, but `scale`, `status`, `logs` and `remove`
/// only get the deployment's name. The backend remembers the namespace it applied to; after a
/// restart of the control plane it finds the Deployment again by its labels across namespaces
/// (`KubernetesBackend.namespace(ofDeployment:)`).
///
/// It also remembers the revision last applied per deployment, so a status read from the watch is
/// trusted only once the watch has seen that revision's Deployment.
final class DeploymentNamespaces: Sendable {
    private let known = Mutex<[String: String]>([:])
    private let revisions = Mutex<[String: String]>([:])

    func remember(revision: String, of deployment: String) {
        revisions.withLock { $0[deployment] = revision }
    }

    func revision(of deployment: String) -> String? {
        revisions.withLock { $0[deployment] }
    }

    func remember(_ namespace: String, of deployment: String) {
        known.withLock { $0[deployment] = namespace }
    }

    func forget(_ deployment: String) {
        known.withLock { $0[deployment] = nil }
        revisions.withLock { $0[deployment] = nil }
    }

    func namespace(of deployment: String) -> String? {
        known.withLock { $0[deployment] }
    }
}

extension KubernetesBackend {
    /// The namespace the deployment's objects live in, or nil when no Deployment of that name is
    /// found: the remembered one, else the one a cluster-wide list by labels finds it in.
    ///
    /// - Throws: `KubernetesError` when the API fails.
    func namespace(ofDeployment name: String) async throws -> String? {
        if let known = namespaces.namespace(of: name) { return known }
        var selector = ManifestLabels.replicaSelector(service: name)
        selector[ManifestLabels.managedBy] = "berth"
        let list: JSONValue
        do {
            list = try await client.list(
                .deployments, namespace: nil, labelSelector: ManifestLabels.selectorString(selector))
        } catch let error as KubernetesError where error.code == .forbidden {
            // Credentials limited to one namespace: deployments can only be there.
            let objectName = ManifestLabels.objectName(service: name)
            return try await client.getIfPresent(.deployments, namespace: self.namespace, name: objectName) == nil
                ? nil : self.namespace
        }
        let found = (list["items"]?.arrayValue ?? []).compactMap { $0["metadata"]?["namespace"]?.stringValue }
        // One cluster is attached to one workspace under one name, so a service name is unique in it;
        // prefer the attachment's namespace should two ever match.
        guard let home = found.contains(self.namespace) ? self.namespace : found.sorted().first else { return nil }
        namespaces.remember(home, of: name)
        return home
    }

    /// Creates the workload's namespace, labelled as Berth's, when it does not exist yet; one
    /// still `Terminating` (its last deployment's detach or delete) is waited out first.
    func ensureNamespace(of workload: ReplicaWorkload, progress: @escaping DeployProgress) async throws {
        let created = try await client.createNamespaceWaitingOutTermination(
            ReplicaManifests.namespace(workload), wait: namespaceWait, progress: { await progress($0) })
        if created { logger.info("Created namespace", metadata: ["k8s.namespace": "\(workload.namespace)"]) }
    }
}
