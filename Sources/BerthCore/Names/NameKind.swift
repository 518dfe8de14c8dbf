/// The kinds of names Berth checks, each with Azure's rule and message (compat.md §1.5, §4.3), so
/// the CLI can refuse a bad name before calling the server and the server refuses it the same way.
public enum NameKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A compute target: 3–24 characters, starts with a letter, letters, digits and '-'.
    case computeTarget
    /// A web service: `^[a-z]([-a-z0-9]*[a-z0-9])?$`, 3–32 characters.
    case service
    /// An endpoint: the service rule.
    case endpoint
    /// An endpoint version: the service rule.
    case endpointVersion
    /// A model: `^[a-zA-Z0-9][a-zA-Z0-9\-\._]{0,254}$`.
    case model
    /// A registered environment: the model rule.
    case environment
    /// A Kubernetes namespace: `^[a-z0-9]([a-z0-9-]{,61}[a-z0-9])?$`.
    case kubernetesNamespace

    /// How messages name this kind, e.g. "endpoint version".
    public var description: String {
        switch self {
        case .computeTarget: "compute target"
        case .service: "service"
        case .endpoint: "endpoint"
        case .endpointVersion: "endpoint version"
        case .model: "model"
        case .environment: "environment"
        case .kubernetesNamespace: "namespace"
        }
    }

    /// Whether `name` follows this kind's rule.
    public func isValid(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else { return false }
        switch self {
        case .computeTarget:
            return (3...24).contains(scalars.count) && first.isASCIILetter
                && scalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "-" }
        case .service, .endpoint, .endpointVersion:
            return (3...32).contains(scalars.count) && first.isLowercaseLetter
                && (last.isLowercaseLetter || last.isASCIIDigit)
                && scalars.allSatisfy { $0.isLowercaseLetter || $0.isASCIIDigit || $0 == "-" }
        case .model, .environment:
            return scalars.count <= 255 && (first.isASCIILetter || first.isASCIIDigit)
                && scalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || "-._".unicodeScalars.contains($0) }
        case .kubernetesNamespace:
            return scalars.count <= 63 && (first.isLowercaseLetter || first.isASCIIDigit)
                && (last.isLowercaseLetter || last.isASCIIDigit)
                && scalars.allSatisfy { $0.isLowercaseLetter || $0.isASCIIDigit || $0 == "-" }
        }
    }

    /// Throws `BerthError.invalidName` with Azure's message for this kind, plus the name given,
    /// unless `name` follows the rule.
    public func validate(_ name: String) throws(BerthError) {
        guard !isValid(name) else { return }
        throw BerthError.invalidName("\(ruleMessage) Got '\(name)'.")
    }

    /// Azure's message for a name that breaks this kind's rule (wording adapted for endpoints).
    public var ruleMessage: String {
        switch self {
        case .computeTarget:
            "Error, provided compute target name is invalid. It must start with a letter, be between 3 and 24 "
                + "characters long, and only include letters (a-zA-Z), numbers (0-9) and '-'."
        case .service, .endpoint, .endpointVersion:
            "Error, provided \(self) name is invalid. It must only consist of lowercase letters, numbers, or "
                + "dashes, start with a letter, end with a letter or number, and be between 3 and 32 characters long."
        case .model, .environment:
            "Error, provided \(self) name is invalid. It must start with a letter or number, be at most 255 "
                + "characters long, and only include letters, numbers, '-', '.' and '_'."
        case .kubernetesNamespace:
            "namespace must be a valid Kubernetes namespace. Regex for validation is "
                + "^[a-z0-9]([a-z0-9-]{,61}[a-z0-9])?$"
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isLowercaseLetter: Bool { ("a"..."z").contains(self) }
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
