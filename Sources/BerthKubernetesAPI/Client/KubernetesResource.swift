/// A kind of Kubernetes object Berth uses, and how its REST paths are built.
///
/// Core-group kinds live under `/api/v1`, others under `/apis/GROUP/VERSION`; namespaced kinds
/// add `/namespaces/NS`. Only the kinds Berth creates or reads are listed.
public struct KubernetesResource: Sendable, Hashable, CustomStringConvertible {
    /// `v1` or `apps/v1`, as in an object's `apiVersion`.
    public var apiVersion: String
    /// The object's `kind`, e.g. `Deployment`.
    public var kind: String
    /// The plural in the path, e.g. `deployments`.
    public var plural: String
    /// Whether objects of this kind live in a namespace.
    public var isNamespaced: Bool

    public init(apiVersion: String, kind: String, plural: String, isNamespaced: Bool = true) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.plural = plural
        self.isNamespaced = isNamespaced
    }

    public var description: String { kind }

    public static let namespaces = Self(apiVersion: "v1", kind: "Namespace", plural: "namespaces", isNamespaced: false)
    public static let nodes = Self(apiVersion: "v1", kind: "Node", plural: "nodes", isNamespaced: false)
    public static let pods = Self(apiVersion: "v1", kind: "Pod", plural: "pods")
    public static let services = Self(apiVersion: "v1", kind: "Service", plural: "services")
    public static let secrets = Self(apiVersion: "v1", kind: "Secret", plural: "secrets")
    public static let configMaps = Self(apiVersion: "v1", kind: "ConfigMap", plural: "configmaps")
    public static let serviceAccounts = Self(apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts")
    public static let deployments = Self(apiVersion: "apps/v1", kind: "Deployment", plural: "deployments")
    public static let endpointSlices = Self(
        apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", plural: "endpointslices")
    public static let roles = Self(apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", plural: "roles")
    public static let roleBindings = Self(
        apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", plural: "rolebindings")
    public static let horizontalPodAutoscalers = Self(
        apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers")
    public static let networkPolicies = Self(
        apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", plural: "networkpolicies")

    /// Every kind above, to find one by `apiVersion` and `kind`.
    public static let known: [Self] = [
        .namespaces, .nodes, .pods, .services, .secrets, .configMaps, .serviceAccounts, .deployments,
        .endpointSlices, .roles, .roleBindings, .horizontalPodAutoscalers, .networkPolicies,
    ]

    /// The kind of a manifest, from its `apiVersion` and `kind`.
    public static func of(apiVersion: String, kind: String) -> Self? {
        known.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }

    /// The collection path, e.g. `/apis/apps/v1/namespaces/ns/deployments`.
    public func collectionPath(namespace: String?) -> String {
        let root = apiVersion.contains("/") ? "/apis/\(apiVersion)" : "/api/\(apiVersion)"
        if isNamespaced, let namespace { return "\(root)/namespaces/\(namespace)/\(plural)" }
        return "\(root)/\(plural)"
    }

    /// One object's path, optionally a subresource of it (`scale`, `status`).
    public func objectPath(namespace: String?, name: String, subresource: String? = nil) -> String {
        let path = "\(collectionPath(namespace: namespace))/\(name)"
        return subresource.map { "\(path)/\($0)" } ?? path
    }
}
