import BerthCore

/// The discovery documents real clients read before anything else — `kubectl` and client-go ask
/// `/api`, `/apis` and each group version's `APIResourceList` to map `deploy`, `po`, `svc` to a
/// path — for the kinds the double serves. The unaggregated form (which every client still takes
/// when the server does not answer with `apidiscovery.k8s.io` lists).
///
/// UNFINISHED: no aggregated discovery and no `/openapi/v2` or `/openapi/v3` (what `kubectl
/// explain` and client-side `apply` validation read); the kubectl commands Berth's docs name do
/// not ask for them.
enum DoubleDiscovery {
    /// The answer to a discovery path, or nil when `path` is not one.
    static func document(_ path: String, serverAddress: String) -> JSONValue? {
        let parts = path.split(separator: "/").map(String.init)
        switch parts.count {
        case 1 where parts[0] == "api":
            return [
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
            ]
        case 1 where parts[0] == "apis":
            return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups.map(groupDocument))]
        case 2 where parts[0] == "api" && parts[1] == "v1":
            return resourceList("v1")
        case 3 where parts[0] == "apis":
            let groupVersion = "\(parts[1])/\(parts[2])"
            return groups.contains(groupVersion) ? resourceList(groupVersion) : nil
        case 2 where parts[0] == "apis":
            return groups.first { $0.hasPrefix(parts[1] + "/") }.map(groupDocument)
        default:
            return nil
        }
    }

    /// Every group version but the core one, in the order a server lists them.
    static var groups: [String] {
        var seen: [String] = []
        for kind in DoubleKind.all where kind.apiVersion.contains("/") && !seen.contains(kind.apiVersion) {
            seen.append(kind.apiVersion)
        }
        return seen
    }

    private static func groupDocument(_ groupVersion: String) -> JSONValue {
        let parts = groupVersion.split(separator: "/").map(String.init)
        let version: JSONValue = ["groupVersion": .string(groupVersion), "version": .string(parts[1])]
        return [
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(parts[0]), "versions": [version],
            "preferredVersion": version,
        ]
    }

    private static func resourceList(_ groupVersion: String) -> JSONValue {
        var resources: [JSONValue] = []
        for kind in DoubleKind.all where kind.apiVersion == groupVersion {
            var resource: [String: JSONValue] = [
                "name": .string(kind.plural), "singularName": .string(kind.kind.lowercased()),
                "namespaced": .bool(kind.isNamespaced), "kind": .string(kind.kind),
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            ]
            if let short = shortNames[kind.plural] { resource["shortNames"] = .array(short.map { .string($0) }) }
            if allCategory.contains(kind.plural) { resource["categories"] = ["all"] }
            resources.append(.object(resource))
            for sub in subresources[kind.plural] ?? [] {
                var entry: [String: JSONValue] = [
                    "name": .string("\(kind.plural)/\(sub.name)"), "singularName": "",
                    "namespaced": .bool(kind.isNamespaced), "kind": .string(sub.kind), "verbs": .array(sub.verbs),
                ]
                if let group = sub.group {
                    entry["group"] = .string(group)
                    entry["version"] = "v1"
                }
                resources.append(.object(entry))
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion),
            "resources": .array(resources),
        ]
    }

    private static let shortNames: [String: [String]] = [
        "namespaces": ["ns"], "nodes": ["no"], "pods": ["po"], "services": ["svc"], "configmaps": ["cm"],
        "serviceaccounts": ["sa"], "deployments": ["deploy"], "replicasets": ["rs"], "events": ["ev"],
        "horizontalpodautoscalers": ["hpa"], "networkpolicies": ["netpol"],
    ]

    private static let allCategory: Set<String> = [
        "pods", "services", "deployments", "replicasets", "horizontalpodautoscalers",
    ]

    private static let subresources: [String: [(name: String, kind: String, group: String?, verbs: [JSONValue])]] = [
        "pods": [("log", "Pod", nil, ["get"]), ("status", "Pod", nil, ["get", "patch", "update"])],
        "deployments": [
            ("scale", "Scale", "autoscaling", ["get", "patch", "update"]),
            ("status", "Deployment", nil, ["get", "patch", "update"]),
        ],
        "services": [("status", "Service", nil, ["get", "patch", "update"])],
    ]
}
