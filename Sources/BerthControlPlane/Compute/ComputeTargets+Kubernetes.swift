import BerthAuth
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthStore
import Foundation

extension ComputeTargets {
    /// Attaches a Kubernetes cluster: checks it (API answers, capacity for the purpose, not attached
    /// elsewhere), installs the router in `berth-system`, then records the compute target.
    ///
    /// Nothing is recorded when a check fails; the kubeconfig is kept (0600) only on success.
    func attachKubernetes(_ request: AttachKubernetesRequest, log: (String) -> Void) async throws
        -> ComputeTarget
    {
        guard let clusters else {
            throw BerthError(.notImplemented, "This control plane was started without Kubernetes support.")
        }
        try NameKind.computeTarget.validate(request.name)
        if try await store.compute(named: request.name) != nil {
            throw BerthError.alreadyExists(
                "A compute target named '\(request.name)' already exists in this workspace. Pick another name, or detach it first."
            )
        }
        let purpose = try request.clusterPurpose.map(ClusterPurpose.init(parsing:)) ?? .fastProd
        let loadBalancer = try request.loadBalancerType.map(LoadBalancerType.init(parsing:)) ?? .publicIp
        // TLS for the router Pods: the certificate is kept like a local cluster's, and put in a Secret.
        var tls: ComputeCertificates.Applied?
        if let ssl = request.sslConfiguration, try ssl.change() != .disable {
            let provisional = ComputeTarget(
                name: request.name, computeType: .kubernetes, clusterPurpose: purpose, provisioningState: .creating,
                capacity: ClusterCapacity(cores: 0, memoryInGB: 0))
            tls = try tlsCertificates(for: provisional).apply(ssl, to: provisional)
        }
        var attached = false
        defer { if !attached, tls != nil { certificates?.remove(computeNamed: request.name) } }
        do {
            let connection = try Kubeconfig.resolve(
                text: request.kubeconfig, path: "the kubeconfig sent", baseDirectory: clusters.folder,
                context: request.context, namespace: request.namespace)
            log("Checking \(connection).")
            let client = try KubernetesClient(connection: connection, logger: clusters.logger)
            var installation = RouterInstallation(
                computeName: request.name, workspaceID: try clusters.workspaceID(), purpose: purpose,
                loadBalancerType: loadBalancer, deploymentNamespace: connection.namespace,
                image: clusters.settings.runtimeImage, controlPlaneURL: clusters.controlPlaneURL(),
                feedToken: try clusters.feedToken(of: request.name), tls: tls?.router,
                controlPlaneCAPEM: clusters.controlPlaneCAPEM())
            installation.traceEnvironment = clusters.settings.traceEnvironment
            let result = try await ClusterAttachment(client: client, logger: clusters.logger).attach(
                installation, progress: log)
            log(
                "Kubernetes \(result.serverVersion), \(result.readyNodes) ready nodes, \(result.allocatableCores) allocatable vCPUs."
            )
            try clusters.saveKubeconfig(connection.flattenedKubeconfig, of: request.name)
            var compute = ComputeTarget(
                name: request.name, computeType: .kubernetes, clusterPurpose: purpose, provisioningState: .succeeded,
                description: request.description,
                capacity: ClusterCapacity(cores: result.allocatableCores, memoryInGB: 0),
                kubernetes: KubernetesAttachment(
                    server: connection.server.absoluteString, context: connection.contextName,
                    namespace: connection.namespace, loadBalancerType: loadBalancer,
                    serverVersion: result.serverVersion))
            compute.sslConfiguration = tls?.configuration
            try await store.insertCompute(compute)
            attached = true
            log("Router installed in namespace berth-system; compute target '\(request.name)' attached.")
            return compute
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }

    /// Detaches an attached cluster: refused while services of this workspace run on it unless
    /// `force`; then removes what Berth made in the cluster and forgets the compute target.
    func detachKubernetes(_ compute: ComputeTarget, force: Bool) async throws {
        guard let clusters else {
            throw BerthError(.notImplemented, "This control plane was started without Kubernetes support.")
        }
        let services = try await store.services().filter { $0.computeName == compute.name }.map(\.name)
        if !services.isEmpty, !force {
            throw BerthError.conflict(
                "Compute target '\(compute.name)' still runs service \(services.map { "'\($0)'" }.joined(separator: ", ")). Delete them first, or detach with --force to remove them too."
            )
        }
        do {
            let client = try clusters.client(of: compute)
            try await ClusterAttachment(client: client, logger: clusters.logger).detach(
                computeName: compute.name, namespace: client.connection.namespace, force: force)
        } catch let error as KubernetesError {
            throw error.berthError
        }
        for service in services {
            try await store.deleteService(named: service)
            try clusters.artifactGrants.revoke(deployment: service)
        }
        try await store.deleteCompute(named: compute.name)
        clusters.forget(compute.name)
    }
}

extension ComputeTargets {
    /// The kubeconfig an attached cluster was attached with (self-contained), for Azure's
    /// `AksCompute.get_credentials()`; nil when none is kept.
    func kubeconfigText(of compute: ComputeTarget) throws -> String? {
        guard let clusters else { return nil }
        return try SecretFile.read(at: clusters.kubeconfigFile(of: compute.name))
    }
}
