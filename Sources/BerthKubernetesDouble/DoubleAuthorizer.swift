import BerthCore

extension KubernetesAPIDouble {
    /// The identity a test gives the double's clients, and the RBAC rules it holds cluster-wide
    /// (a ClusterRole bound to it with a ClusterRoleBinding, as `deploy/rbac.yaml` does). With one,
    /// every request is authorized as a real API server's RBAC authorizer would, and creating or
    /// updating a Role or RoleBinding passes its escalation check.
    public struct Authorization: Sendable {
        /// As the API server names it in messages, e.g. `system:serviceaccount:kube-system:berth-admin`.
        public var user: String
        public var rules: [PolicyRule]

        public init(user: String, rules: [PolicyRule]) {
            self.user = user
            self.rules = rules
        }
    }

    /// One rule of a Role or ClusterRole (`resourceNames` are not modelled: Berth's roles use none).
    public struct PolicyRule: Sendable, Hashable {
        public var apiGroups: [String]
        public var resources: [String]
        public var verbs: [String]
        public var nonResourceURLs: [String]

        public init(apiGroups: [String] = [], resources: [String] = [], verbs: [String], nonResourceURLs: [String] = [])
        {
            self.apiGroups = apiGroups
            self.resources = resources
            self.verbs = verbs
            self.nonResourceURLs = nonResourceURLs
        }

        /// The rules of a Role or ClusterRole object (`rules: [{apiGroups, resources, verbs}]`).
        public static func rules(of role: JSONValue) -> [PolicyRule] {
            (role["rules"]?.arrayValue ?? []).map { rule in
                func strings(_ key: String) -> [String] { (rule[key]?.arrayValue ?? []).compactMap(\.stringValue) }
                return PolicyRule(
                    apiGroups: strings("apiGroups"), resources: strings("resources"), verbs: strings("verbs"),
                    nonResourceURLs: strings("nonResourceURLs"))
            }
        }

        func allows(group: String, resource: String, verb: String) -> Bool {
            (apiGroups.contains(group) || apiGroups.contains("*"))
                && (resources.contains(resource) || resources.contains("*"))
                && (verbs.contains(verb) || verbs.contains("*"))
        }
    }
}

/// RBAC for the double: authorizes each request against the test's `Authorization`, and refuses
/// a Role that grants, or a RoleBinding that binds, what the identity does not hold itself (unless
/// it may `escalate` / `bind`), with the API server's 403 messages.
///
/// UNFINISHED: the identity's rules are cluster-wide only (no Roles bound per namespace), without
/// `resourceNames`, non-resource URLs other than discovery and `/version` (always allowed, as the
/// default `system:discovery` and `system:public-info-viewer` roles do), or ClusterRole writes.
struct DoubleAuthorizer: Sendable {
    let authorization: KubernetesAPIDouble.Authorization

    func allows(group: String, resource: String, verb: String) -> Bool {
        authorization.rules.contains { $0.allows(group: group, resource: resource, verb: verb) }
    }

    /// The RBAC verb of a request (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`).
    static func verb(method: String, hasName: Bool, isWatch: Bool) -> String {
        switch method {
        case "GET": hasName ? "get" : (isWatch ? "watch" : "list")
        case "POST": "create"
        case "PUT": "update"
        case "PATCH": "patch"
        case "DELETE": hasName ? "delete" : "deletecollection"
        default: method.lowercased()
        }
    }

    func authorize(_ target: DoubleRequestPath, verb: String) throws(DoubleStatus) {
        let group = String(target.kind.apiVersion.split(separator: "/").dropLast().first ?? "")
        let resource = target.kind.plural + (target.subresource.map { "/\($0)" } ?? "")
        guard !allows(group: group, resource: resource, verb: verb) else { return }
        let scope = target.namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        let subject = group.isEmpty ? target.kind.plural : "\(target.kind.plural).\(group)"
        let named = target.name.map { " \"\($0)\"" } ?? ""
        throw DoubleStatus(
            code: 403, reason: "Forbidden",
            message:
                "\(subject)\(named) is forbidden: User \"\(authorization.user)\" cannot \(verb) resource \"\(resource)\" in API group \"\(group)\" \(scope)"
        )
    }

    /// The escalation check of a Role (its rules) or RoleBinding (its role's rules) being written.
    func checkEscalation(_ kind: DoubleKind, name: String, _ object: JSONValue, boundRole: JSONValue?)
        throws(DoubleStatus)
    {
        let granted: [KubernetesAPIDouble.PolicyRule]
        switch kind.kind {
        case "Role" where !allows(group: "rbac.authorization.k8s.io", resource: "roles", verb: "escalate"):
            granted = KubernetesAPIDouble.PolicyRule.rules(of: object)
        case "RoleBinding" where !allows(group: "rbac.authorization.k8s.io", resource: "roles", verb: "bind"):
            granted = boundRole.map(KubernetesAPIDouble.PolicyRule.rules(of:)) ?? []
        default:
            return
        }
        var missing: [String] = []
        for rule in granted {
            for group in rule.apiGroups {
                for resource in rule.resources {
                    let verbs = rule.verbs.filter { !allows(group: group, resource: resource, verb: $0) }
                    guard !verbs.isEmpty else { continue }
                    let list = { (items: [String]) in items.map { "\"\($0)\"" }.joined(separator: " ") }
                    missing.append(
                        "{APIGroups:[\(list([group]))], Resources:[\(list([resource]))], Verbs:[\(list(verbs))]}")
                }
            }
        }
        guard !missing.isEmpty else { return }
        throw DoubleStatus(
            code: 403, reason: "Forbidden",
            message:
                "\(kind.plural).rbac.authorization.k8s.io \"\(name)\" is forbidden: user \"\(authorization.user)\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
                + missing.joined(separator: "\n"))
    }
}
