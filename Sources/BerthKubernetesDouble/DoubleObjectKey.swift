import BerthCore
import Foundation

/// Where one object sits in the double's store.
struct DoubleObjectKey: Sendable, Hashable, Comparable {
    var plural: String
    var namespace: String
    var name: String

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.plural, lhs.namespace, lhs.name) < (rhs.plural, rhs.namespace, rhs.name)
    }
}

/// A label selector as `list`/`watch` take it: `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated;
/// with the request's field selector beside it (`metadata.name=NAME`, as `kubectl rollout status`
/// and `kubectl get NAME --watch` send, or any dotted path `=`/`!=` a value).
struct DoubleLabelSelector: Sendable, Hashable {
    private var requirements: [(key: String, op: String, value: String)] = []
    private var fields: [(path: [String], equal: Bool, value: String)] = []

    init(_ text: String?, fields fieldText: String?) {
        self.init(text)
        for part in (fieldText ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let equal = !part.contains("!=")
            let pieces = part.replacingOccurrences(of: "!=", with: "=").replacingOccurrences(of: "==", with: "=")
                .split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pieces.count == 2 else { continue }
            fields.append((pieces[0].split(separator: ".").map(String.init), equal, pieces[1]))
        }
    }

    init(_ text: String?) {
        for part in (text ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let range = part.range(of: "!=") {
                requirements.append((String(part[..<range.lowerBound]), "!=", String(part[range.upperBound...])))
            } else if let range = part.range(of: "==") ?? part.range(of: "=") {
                requirements.append((String(part[..<range.lowerBound]), "=", String(part[range.upperBound...])))
            } else if part.hasPrefix("!") {
                requirements.append((String(part.dropFirst()), "!", ""))
            } else if !part.isEmpty {
                requirements.append((part, "exists", ""))
            }
        }
    }

    func matches(_ object: JSONValue) -> Bool {
        let fieldsMatch = fields.allSatisfy { field in
            var value: JSONValue? = object
            for key in field.path { value = value?[key] }
            return (value?.stringValue ?? "") == field.value ? field.equal : !field.equal
        }
        guard fieldsMatch else { return false }
        let labels = object["metadata"]?["labels"]?.objectValue ?? [:]
        return requirements.allSatisfy { requirement in
            let value = labels[requirement.key]?.stringValue
            switch requirement.op {
            case "=": return value == requirement.value
            case "!=": return value != requirement.value
            case "!": return value == nil
            default: return value != nil
            }
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.requirements.elementsEqual(rhs.requirements) { $0 == $1 }
            && lhs.fields.elementsEqual(rhs.fields) {
                $0.path == $1.path && $0.equal == $1.equal && $0.value == $1.value
            }
    }

    func hash(into hasher: inout Hasher) {
        for requirement in requirements {
            hasher.combine(requirement.key)
            hasher.combine(requirement.op)
            hasher.combine(requirement.value)
        }
    }
}
