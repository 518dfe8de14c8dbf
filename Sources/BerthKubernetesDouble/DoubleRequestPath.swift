import BerthCore

/// A kind the double serves, and where its objects live.
struct DoubleKind: Sendable, Hashable {
    var apiVersion: String
    var kind: String
    var plural: String
    var isNamespaced: Bool

    static let all: [DoubleKind] = [
        .init(apiVersion: "v1", kind: "Namespace", plural: "namespaces", isNamespaced: false),
        .init(apiVersion: "v1", kind: "Node", plural: "nodes", isNamespaced: false),
        .init(apiVersion: "v1", kind: "Pod", plural: "pods", isNamespaced: true),
        .init(apiVersion: "v1", kind: "Service", plural: "services", isNamespaced: true),
        .init(apiVersion: "v1", kind: "Secret", plural: "secrets", isNamespaced: true),
        .init(apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", isNamespaced: true),
        .init(apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts", isNamespaced: true),
        .init(apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", isNamespaced: true),
        .init(apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", plural: "endpointslices", isNamespaced: true),
        .init(apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", plural: "roles", isNamespaced: true),
        .init(
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", plural: "rolebindings", isNamespaced: true),
        .init(
            apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers",
            isNamespaced: true),
        .init(apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", plural: "networkpolicies", isNamespaced: true),
        // Read by `kubectl describe` (always empty: the double records no events, runs no ReplicaSets).
        .init(apiVersion: "v1", kind: "Event", plural: "events", isNamespaced: true),
        .init(apiVersion: "apps/v1", kind: "ReplicaSet", plural: "replicasets", isNamespaced: true),
    ]

    static func named(_ plural: String, apiVersion: String) -> DoubleKind? {
        all.first { $0.plural == plural && $0.apiVersion == apiVersion }
    }

    static let namespace = all[0]
    static let node = all[1]
    static let pod = all[2]
    static let deployment = all[7]
    static let endpointSlice = all[8]
    static let replicaSet = all.first { $0.plural == "replicasets" }!
}

/// A REST path of the Kubernetes API, taken apart:
/// `/api/v1[/namespaces/NS]/PLURAL[/NAME[/SUBRESOURCE]]` and the same under `/apis/GROUP/VERSION`;
/// a Pod's `proxy` subresource may go on with the path to ask the Pod for.
struct DoubleRequestPath: Sendable, Hashable {
    var kind: DoubleKind
    var namespace: String?
    var name: String?
    var subresource: String?
    /// For `pods/NAME[:PORT]/proxy/PATH`: `/PATH`.
    var proxyPath: String?

    /// Nil for a path outside the API (or a kind the double does not serve).
    init?(_ path: String) {
        var parts = path.split(separator: "/").map(String.init)
        let apiVersion: String
        if parts.first == "api", parts.count >= 2 {
            apiVersion = parts[1]
            parts.removeFirst(2)
        } else if parts.first == "apis", parts.count >= 3 {
            apiVersion = "\(parts[1])/\(parts[2])"
            parts.removeFirst(3)
        } else {
            return nil
        }
        var namespace: String?
        // `namespaces/NS/…` scopes what follows; `namespaces[/NS]` alone is the Namespace kind.
        if parts.count >= 3, parts[0] == "namespaces" {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        let isProxy = parts.count >= 3 && parts[2] == "proxy"
        guard let plural = parts.first, let kind = DoubleKind.named(plural, apiVersion: apiVersion),
            parts.count <= 3 || isProxy, kind.isNamespaced || namespace == nil
        else { return nil }
        self.kind = kind
        self.namespace = namespace
        self.name = parts.count >= 2 ? parts[1] : nil
        self.subresource = parts.count >= 3 ? parts[2] : nil
        self.proxyPath = isProxy ? "/" + parts.dropFirst(3).joined(separator: "/") : nil
    }
}

extension DoubleKind {
    /// `Deployment.apps`, `RoleBinding.rbac.authorization.k8s.io`, `Service`: how the API
    /// server names a kind in its messages.
    var qualifiedKind: String {
        let group = apiVersion.split(separator: "/").dropLast().first.map(String.init)
        return group.map { "\(kind).\($0)" } ?? kind
    }

    /// `body` with this kind's `apiVersion` and `kind`, as the API server reads a body sent to this
    /// kind's path: either may be left out, but one that names another type is refused with 400.
    func typed(_ body: JSONValue) throws(DoubleStatus) -> JSONValue {
        guard case .object(var members) = body else {
            throw DoubleStatus.badRequest("the body of the request was not an object")
        }
        if let sent = members["apiVersion"]?.stringValue, sent != apiVersion {
            throw DoubleStatus.badRequest(
                "the API version in the data (\(sent)) does not match the expected API version (\(apiVersion))")
        }
        if let sent = members["kind"]?.stringValue, sent != kind {
            throw DoubleStatus.badRequest("the kind in the data (\(sent)) does not match the expected kind (\(kind))")
        }
        members["apiVersion"] = .string(apiVersion)
        members["kind"] = .string(kind)
        return .object(members)
    }
}
