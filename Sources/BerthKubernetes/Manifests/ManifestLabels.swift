import BerthCore
import Crypto
import Foundation

/// The labels and names Berth puts on everything it creates, so `update`, `delete` and `detach`
/// find exactly Berth's objects (and nothing of the user's) by label selector.
public enum ManifestLabels {
    /// `app.kubernetes.io/managed-by: berth` on every object.
    public static let managedBy = "app.kubernetes.io/managed-by"
    /// `berth.dev/component`: `replica` or `router`.
    public static let component = "berth.dev/component"
    /// `berth.dev/service`: the service (deployment) name.
    public static let service = "berth.dev/service"
    /// `berth.dev/compute`: the compute target's name in the workspace.
    public static let compute = "berth.dev/compute"
    /// `berth.dev/revision`: as an annotation, the deployment's full revision; as a label on Pods,
    /// `revisionLabelValue` of it (labels cap at 63 characters), so one revision's Pods can be selected.
    public static let revision = "berth.dev/revision"
    /// The namespace the router and the attachment marker live in.
    public static let systemNamespace = "berth-system"

    /// The selector of one service's replica Pods.
    public static func replicaSelector(service: String) -> [String: JSONValue] {
        [component: "replica", Self.service: .string(service)]
    }

    /// The labels of one service's objects.
    public static func replicaLabels(service: String, compute: String) -> [String: JSONValue] {
        [
            managedBy: "berth", component: "replica", Self.service: .string(service),
            Self.compute: .string(computeLabelValue(compute)),
        ]
    }

    /// The labels of the router's objects.
    public static func routerLabels(compute: String) -> [String: JSONValue] {
        [managedBy: "berth", component: "router", Self.compute: .string(computeLabelValue(compute))]
    }

    /// The selector of one compute target's router Pods (its Deployment's and Service's, and what
    /// replicas' NetworkPolicies admit).
    public static func routerSelector(compute: String) -> [String: JSONValue] {
        [component: "router", Self.compute: .string(computeLabelValue(compute))]
    }

    /// The `berth.dev/compute` selector term (`berth.dev/compute=VALUE`) of a compute target.
    public static func computeSelector(_ compute: String) -> String {
        "\(Self.compute)=\(computeLabelValue(compute))"
    }

    /// A compute target's name as a label value. Berth's (Azure's) name rule allows a name that
    /// ends in '-' ("aks-"), which Kubernetes refuses as a label value with 422; such a name becomes
    /// the name without its trailing dashes, '.', and 8 hex digits of its SHA-256 ("aks.1c2d3e4f").
    /// No compute name contains '.', so a derived value never equals another target's own name.
    public static func computeLabelValue(_ compute: String) -> String {
        if isLabelValue(compute) { return compute }
        var stem = compute
        while stem.last == "-" { stem.removeLast() }
        let digest = SHA256.hash(data: Array(compute.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        return stem.isEmpty ? "c\(digest)" : "\(stem).\(digest)"
    }

    /// Whether `value` is a valid label value: at most 63 alphanumerics, '-', '_' or '.',
    /// alphanumeric at both ends (or empty).
    public static func isLabelValue(_ value: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let alphanumeric = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        guard let first = value.first, let last = value.last else { return true }
        return value.count <= 63 && value.allSatisfy(allowed.contains) && alphanumeric.contains(first)
            && alphanumeric.contains(last)
    }

    /// A label selector string (`k=v,k=v`) over `labels`, sorted so it is stable.
    public static func selectorString(_ labels: [String: JSONValue]) -> String {
        labels.keys.sorted().map { "\($0)=\(labels[$0]?.stringValue ?? "")" }.joined(separator: ",")
    }

    /// `revision` as a label value: itself when it is one (≤ 63 alphanumerics, `-`, `_`, `.`,
    /// alphanumeric at both ends), else `h` + the first 32 hex digits of its SHA-256.
    public static func revisionLabelValue(_ revision: String) -> String {
        if !revision.isEmpty, isLabelValue(revision) { return revision }
        return "h" + SHA256.hash(data: Array(revision.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The name of a service's objects (`berth-` keeps them apart from the user's own).
    public static func objectName(service: String) -> String { "berth-\(service)" }

    /// Kubernetes quantities: cores as millicores (`"250m"`), GB as MiB (`"512Mi"`).
    public static func cpuQuantity(_ cores: Double) -> JSONValue {
        .string("\(max(1, Int((cores * 1000).rounded())))m")
    }

    public static func memoryQuantity(_ gigabytes: Double) -> JSONValue {
        .string("\(max(1, Int((gigabytes * 1024).rounded())))Mi")
    }

    static func number(_ value: Int) -> JSONValue { .number(Double(value)) }
}
