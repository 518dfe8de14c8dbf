import Foundation

/// An inference cluster that replicas run on: the embedded local cluster (processes on this
/// machine) or, later, an attached Kubernetes cluster.
///
/// Field names follow Azure's compute payload (`provisioningState`, `clusterPurpose`,
/// `agentCount`, `agentVmSize`) so Azure users recognise them.
public struct ComputeTarget: Codable, Sendable, Hashable {
    public var name: String
    /// `Local` or `Kubernetes`.
    public var computeType: ComputeTargetKind
    public var clusterPurpose: ClusterPurpose
    public var provisioningState: ProvisioningState
    public var provisioningErrors: [String]
    public var description: String?
    /// The declared capacity replicas are scheduled against.
    public var capacity: ClusterCapacity
    /// What this machine really has, reported beside the declared capacity (local clusters only).
    public var machineCores: Int?
    public var machineMemoryInGB: Double?
    /// Where an attached Kubernetes cluster is and how Berth installed itself there (nil for local).
    public var kubernetes: KubernetesAttachment?
    /// TLS for the compute's scoring (Azure's `sslConfiguration`); nil: plain HTTP.
    public var sslConfiguration: ComputeTLS?
    public var createdOn: Date
    public var modifiedOn: Date

    public init(
        name: String, computeType: ComputeTargetKind, clusterPurpose: ClusterPurpose,
        provisioningState: ProvisioningState, provisioningErrors: [String] = [], description: String? = nil,
        capacity: ClusterCapacity, machineCores: Int? = nil, machineMemoryInGB: Double? = nil,
        kubernetes: KubernetesAttachment? = nil, createdOn: Date = Date(), modifiedOn: Date = Date()
    ) {
        self.name = name
        self.computeType = computeType
        self.clusterPurpose = clusterPurpose
        self.provisioningState = provisioningState
        self.provisioningErrors = provisioningErrors
        self.description = description
        self.capacity = capacity
        self.machineCores = machineCores
        self.machineMemoryInGB = machineMemoryInGB
        self.kubernetes = kubernetes
        self.createdOn = createdOn
        self.modifiedOn = modifiedOn
    }
}

/// What the workspace remembers of an attached Kubernetes cluster. The credentials are not here:
/// they stay in the workspace's copy of the kubeconfig (mode 0600), never in the store or the API.
public struct KubernetesAttachment: Codable, Sendable, Hashable {
    /// The API server URL.
    public var server: String
    /// The kubeconfig context used.
    public var context: String
    /// The namespace deployments go to unless a deployment config names another.
    public var namespace: String
    public var loadBalancerType: LoadBalancerType
    /// `gitVersion` from the API server's `/version` at attach time.
    public var serverVersion: String?

    public init(
        server: String, context: String, namespace: String, loadBalancerType: LoadBalancerType,
        serverVersion: String? = nil
    ) {
        self.server = server
        self.context = context
        self.namespace = namespace
        self.loadBalancerType = loadBalancerType
        self.serverVersion = serverVersion
    }
}

/// Azure's load-balancer types of the router's Service on a Kubernetes cluster.
public enum LoadBalancerType: String, Codable, Sendable, Hashable, CaseIterable {
    /// A public IP (Service `type: LoadBalancer`).
    case publicIp = "PublicIp"
    /// A load balancer inside the cluster's virtual network.
    case internalLoadBalancer = "InternalLoadBalancer"

    /// Parses `PublicIp`/`InternalLoadBalancer` in any case.
    public init(parsing text: String) throws {
        guard let type = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw BerthError.badRequest(
                "Load balancer type '\(text)' is not known. Use PublicIp or InternalLoadBalancer.")
        }
        self = type
    }
}

/// The kind of a compute target (distinct from a deployment config's `computeType`).
public enum ComputeTargetKind: String, Codable, Sendable, Hashable, CaseIterable {
    case local = "Local"
    case kubernetes = "Kubernetes"
}

/// Azure's cluster purpose: it decides the minimum size and whether the router scales itself.
public enum ClusterPurpose: String, Codable, Sendable, Hashable, CaseIterable {
    case fastProd = "FastProd"
    case devTest = "DevTest"

    /// The vCPUs a cluster of this purpose needs in total (the seed's rule).
    public var minimumCores: Double {
        switch self {
        case .fastProd: 12
        case .devTest: 2
        }
    }

    /// Parses `FastProd`/`DevTest` in any case.
    public init(parsing text: String) throws {
        guard let purpose = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw BerthError.badRequest(
                "Cluster purpose '\(text)' is not known. Use FastProd (production, ≥ 12 vCPUs) or DevTest (≥ 2 vCPUs)."
            )
        }
        self = purpose
    }
}

/// Azure's provisioning states of a compute target.
public enum ProvisioningState: String, Codable, Sendable, Hashable {
    case creating = "Creating"
    case succeeded = "Succeeded"
    case failed = "Failed"
    case deleting = "Deleting"
    case updating = "Updating"
}

/// The declared size of a cluster: agents × VM size, or cores and memory given directly.
public struct ClusterCapacity: Codable, Sendable, Hashable {
    public var agentCount: Int?
    public var agentVmSize: String?
    /// Total vCPUs replicas may request.
    public var cores: Double
    /// Total memory in GB replicas may request.
    public var memoryInGB: Double
    /// GPUs replicas may request (`gpuCores`), numbered 0 up: the agents' VM size's GPUs (one per
    /// Standard_NC6). Nil for none.
    public var gpus: Int?

    public init(
        agentCount: Int? = nil, agentVmSize: String? = nil, cores: Double, memoryInGB: Double, gpus: Int? = nil
    ) {
        self.agentCount = agentCount
        self.agentVmSize = agentVmSize
        self.cores = cores
        self.memoryInGB = memoryInGB
        self.gpus = gpus
    }
}

/// The body of `POST /api/v1/computes` for a local cluster.
public struct CreateComputeRequest: Codable, Sendable, Hashable {
    public var name: String
    /// `Local` (the only type `create` makes; Kubernetes clusters are attached).
    public var computeType: String?
    public var clusterPurpose: String?
    public var agentCount: Int?
    public var vmSize: String?
    public var cores: Double?
    public var memoryInGB: Double?
    public var description: String?
    /// TLS for the cluster's scoring; nil: plain HTTP.
    public var sslConfiguration: SSLConfigurationRequest?

    public init(
        name: String, computeType: String? = "Local", clusterPurpose: String? = nil, agentCount: Int? = nil,
        vmSize: String? = nil, cores: Double? = nil, memoryInGB: Double? = nil, description: String? = nil,
        sslConfiguration: SSLConfigurationRequest? = nil
    ) {
        self.sslConfiguration = sslConfiguration
        self.name = name
        self.computeType = computeType
        self.clusterPurpose = clusterPurpose
        self.agentCount = agentCount
        self.vmSize = vmSize
        self.cores = cores
        self.memoryInGB = memoryInGB
        self.description = description
    }
}

/// The body of `POST /api/v1/computes/attach`: attach a Kubernetes cluster.
///
/// `kubeconfig` is the text of a self-contained kubeconfig (the CLI inlines file references, as
/// `kubectl config view --flatten --minify` does), so the server need not see the user's files.
/// It is a secret: the server keeps it in a 0600 file and never echoes it.
public struct AttachKubernetesRequest: Codable, Sendable, Hashable {
    public var name: String
    public var kubeconfig: String
    public var context: String?
    public var namespace: String?
    /// `FastProd` (default) or `DevTest`.
    public var clusterPurpose: String?
    /// `PublicIp` (default) or `InternalLoadBalancer`.
    public var loadBalancerType: String?
    public var description: String?
    /// TLS for the cluster's scoring: not yet served on attached clusters (refused with why).
    public var sslConfiguration: SSLConfigurationRequest?

    public init(
        name: String, kubeconfig: String, context: String? = nil, namespace: String? = nil,
        clusterPurpose: String? = nil, loadBalancerType: String? = nil, description: String? = nil,
        sslConfiguration: SSLConfigurationRequest? = nil
    ) {
        self.sslConfiguration = sslConfiguration
        self.name = name
        self.kubeconfig = kubeconfig
        self.context = context
        self.namespace = namespace
        self.clusterPurpose = clusterPurpose
        self.loadBalancerType = loadBalancerType
        self.description = description
    }
}

/// The body of `PATCH /api/v1/computes/<name>`: Azure's `AksUpdateConfiguration` — today the
/// TLS of the compute's scoring (enable, replace the certificate, renew, disable).
public struct UpdateComputeRequest: Codable, Sendable, Hashable {
    public var sslConfiguration: SSLConfigurationRequest?

    public init(sslConfiguration: SSLConfigurationRequest? = nil) {
        self.sslConfiguration = sslConfiguration
    }
}
