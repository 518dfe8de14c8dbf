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

/// A label selector as `list`/`watch` take it: `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated.
struct DoubleLabelSelector: Sendable, Hashable {
    private var requirements: [(key: String, op: String, value: String)] = []

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
    }

    func hash(into hasher: inout Hasher) {
        for requirement in requirements {
            hasher.combine(requirement.key)
            hasher.combine(requirement.op)
            hasher.combine(requirement.value)
        }
    }
}
