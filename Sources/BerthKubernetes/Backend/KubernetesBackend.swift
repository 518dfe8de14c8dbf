import BerthBackends
import BerthCore
import Logging

/// Runs deployments as Deployments of replica Pods on an attached Kubernetes cluster.
///
/// `apply` creates or replaces the deployment's objects (`ReplicaManifests`) when its revision
/// changed — Kubernetes then rolls the Pods over, a new one ready before an old one goes — and
/// only moves `replicas` through the Deployment's `scale` subresource when nothing else changed, so
/// the autoscaler's decisions never restart Pods. `status` reads the Pods back (`PodStatusReader`).
///
/// What only Kubernetes needs beyond a `DeploymentSpec` (namespace, image, files to fetch, GPUs)
/// comes from `workload`, which the control plane provides.
///
/// ```swift
/// let backend = KubernetesBackend(client: client, workload: { spec in try await plan.workload(for: spec) })
/// try await backend.apply(spec)
/// ```
public struct KubernetesBackend: ComputeBackend {
    public let client: KubernetesClient
    /// Maps a spec to everything its manifests are generated from.
    public let workload: @Sendable (DeploymentSpec) async throws -> ReplicaWorkload
    let logger: Logger

    public init(
        client: KubernetesClient, logger: Logger = Logger(label: "berth.kubernetes"),
        workload: @escaping @Sendable (DeploymentSpec) async throws -> ReplicaWorkload
    ) {
        self.client = client
        self.workload = workload
        self.logger = logger
    }

    var namespace: String { client.connection.namespace }

    public func apply(_ spec: DeploymentSpec) async throws {
        let workload = try await workload(spec)
        let name = ManifestLabels.objectName(service: spec.name)
        do {
            if let current = try await client.getIfPresent(.deployments, namespace: workload.namespace, name: name),
                current["spec"]?["template"]?["metadata"]?["annotations"]?[ManifestLabels.revision]?.stringValue
                    == spec.revision
            {
                if Int(current["spec"]?["replicas"]?.numberValue ?? -1) != spec.replicas {
                    try await client.scaleDeployment(namespace: workload.namespace, name: name, replicas: spec.replicas)
                    logger.info(
                        "Scaled deployment", metadata: ["deployment.name": "\(spec.name)", "replicas": "\(spec.replicas)"])
                }
                return
            }
            for manifest in ReplicaManifests.all(workload) {
                try await client.createOrReplace(manifest)
            }
            logger.info(
                "Applied deployment", metadata: ["deployment.name": "\(spec.name)", "revision": "\(spec.revision)"])
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }

    /// The autoscaler's lever: the Deployment's `scale` subresource, so no Pod restarts.
    public func scale(deploymentNamed name: String, to replicas: Int) async throws {
        do {
            try await client.scaleDeployment(
                namespace: namespace, name: ManifestLabels.objectName(service: name), replicas: replicas)
            logger.info("Scaled deployment", metadata: ["deployment.name": "\(name)", "replicas": "\(replicas)"])
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }

    /// UNFINISHED: no limit is computed from the nodes' allocatable resources yet; the scheduler
    /// decides, and Pods it cannot place show as Unschedulable in `status` with its message.
    public func replicaCapacity(ofDeployment name: String) async -> ReplicaCapacity? {
        nil
    }

    public func remove(deploymentNamespace namespace: String, name: String) async throws {
        let objectName = ManifestLabels.objectName(service: name)
        for kind in [KubernetesResource.deployments, .services, .secrets] {
            try await client.delete(kind, namespace: namespace, name: objectName)
        }
    }

    public func remove(deploymentNamed name: String) async {
        do {
            try await remove(deploymentNamespace: namespace, name: name)
        } catch {
            logger.notice(
                "Could not delete a deployment's Kubernetes objects",
                metadata: ["deployment.name": "\(name)", "error": "\(error)"])
        }
    }

    // UNFINISHED: status is read with one list call per question; a watch of the Pods (kept in
    // a state machine by a Service) should feed it, and the deployment's own namespace (when its
    // config names one) should be remembered per deployment instead of the attachment's.
    public func status(ofDeployment name: String) async -> DeploymentStatus? {
        do {
            let objectName = ManifestLabels.objectName(service: name)
            guard let deployment = try await client.getIfPresent(.deployments, namespace: namespace, name: objectName)
            else { return nil }
            let pods = try await client.list(
                .pods, namespace: namespace,
                labelSelector: ManifestLabels.selectorString(ManifestLabels.replicaSelector(service: name)))
            return PodStatusReader.deploymentStatus(
                name: name, deployment: deployment, pods: pods["items"]?.arrayValue ?? [])
        } catch {
            logger.notice("Could not read a deployment's Pods", metadata: ["deployment.name": "\(name)", "error": "\(error)"])
            return nil
        }
    }

    public func logs(ofDeployment name: String, replica: String?, lines: Int) async throws -> String {
        do {
            let pods: [String]
            if let replica {
                pods = [replica]
            } else {
                let list = try await client.list(
                    .pods, namespace: namespace,
                    labelSelector: ManifestLabels.selectorString(ManifestLabels.replicaSelector(service: name)))
                pods = (list["items"]?.arrayValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue }
            }
            var text = ""
            for pod in pods {
                text += "==> \(pod) <==\n" + (try await client.podLog(namespace: namespace, pod: pod, tailLines: lines))
            }
            return text
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }
}
