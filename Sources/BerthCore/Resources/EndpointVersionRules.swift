/// The controlled-rollout rules (DESIGN.md "Controlled rollout", compat.md §2.3) as a pure
/// function from an endpoint's versions and one change to the versions after it, or the error
/// naming the rule the change breaks. Nothing is stored until the rules pass.
///
/// - 1 to 6 versions; the percentiles (the default's included) sum to at most 100.
/// - The first version is the default; `isDefault` moves the role (the others lose it); the
///   default cannot give it up except by another version taking it.
/// - At most one `Control`: making a version the control makes the others treatments, as
///   Azure's SDK does with its patch operations.
/// - The default cannot be deleted while other versions exist; the last version cannot be
///   deleted (delete the endpoint).
public enum EndpointVersionRules {
    /// Most versions behind one endpoint.
    public static let maxVersions = 6

    /// A change to an endpoint's versions, as `endpoint version create|update|delete` asks.
    public enum Change: Sendable, Hashable {
        case create(name: String, trafficPercentile: Double?, isDefault: Bool?, isControl: Bool?)
        case update(name: String, trafficPercentile: Double?, isDefault: Bool?, isControl: Bool?)
        case delete(name: String)
    }

    /// The versions after `change`, in creation order.
    ///
    /// - Throws: `BerthError` (`badRequest`, `notFound`, `alreadyExists`, `invalidName`,
    ///   `invalidConfiguration`) naming the broken rule and what to do instead.
    public static func apply(
        _ change: Change, to versions: [EndpointVersion], endpoint: String
    ) throws(BerthError) -> [EndpointVersion] {
        var next = versions
        switch change {
        case .create(let name, let percentile, let isDefault, let isControl):
            try NameKind.endpointVersion.validate(name)
            guard !versions.contains(where: { $0.name == name }) else {
                throw .alreadyExists(
                    "Endpoint '\(endpoint)' already has a version '\(name)'; update it with 'berth endpoint version "
                        + "update' or pick another --version-name.")
            }
            guard versions.count < maxVersions else {
                throw .badRequest(
                    "Endpoint '\(endpoint)' already has \(maxVersions) versions, the most an endpoint can have; "
                        + "delete one first ('berth endpoint version delete -n \(endpoint) --version-name …').")
            }
            try checkRange(percentile)
            next.append(
                EndpointVersion(
                    name: name, trafficPercentile: percentile ?? 0, isDefault: versions.isEmpty,
                    type: .treatment))
            try setRoles(of: name, isDefault: isDefault, isControl: isControl, in: &next, endpoint: endpoint)
        case .update(let name, let percentile, let isDefault, let isControl):
            guard let index = versions.firstIndex(where: { $0.name == name }) else { throw notFound(name, endpoint, versions) }
            guard percentile != nil || isDefault != nil || isControl != nil else {
                throw .badRequest(
                    "No parameters provided to update version '\(name)' of endpoint '\(endpoint)'; give "
                        + "--traffic-percentile, --is-default or --is-control-version-type.")
            }
            try checkRange(percentile)
            if let percentile { next[index].trafficPercentile = percentile }
            try setRoles(of: name, isDefault: isDefault, isControl: isControl, in: &next, endpoint: endpoint)
        case .delete(let name):
            guard let index = versions.firstIndex(where: { $0.name == name }) else { throw notFound(name, endpoint, versions) }
            guard versions.count > 1 else {
                throw .badRequest(
                    "Version '\(name)' is the only version of endpoint '\(endpoint)'; an endpoint needs one. "
                        + "Delete the endpoint instead ('berth endpoint delete -n \(endpoint)').")
            }
            if versions[index].isDefault {
                let others = versions.filter { $0.name != name }.map { "'\($0.name)'" }.joined(separator: ", ")
                throw .badRequest(
                    "Version '\(name)' is the default of endpoint '\(endpoint)' and cannot be deleted while other "
                        + "versions exist. Make another version the default first (one of \(others)): 'berth endpoint "
                        + "version update -n \(endpoint) --version-name <other> --is-default'.")
            }
            next.remove(at: index)
        }
        try checkSum(next, endpoint: endpoint)
        return next
    }

    private static func setRoles(
        of name: String, isDefault: Bool?, isControl: Bool?, in versions: inout [EndpointVersion], endpoint: String
    ) throws(BerthError) {
        guard let index = versions.firstIndex(where: { $0.name == name }) else { return }
        switch isDefault {
        case true?:
            for other in versions.indices { versions[other].isDefault = other == index }
        case false? where versions[index].isDefault:
            throw .badRequest(
                "Version '\(name)' is the default of endpoint '\(endpoint)'; it stops being the default only when "
                    + "another version becomes it ('--is-default' on that version).")
        default:
            break
        }
        switch isControl {
        case true?:
            for other in versions.indices { versions[other].type = other == index ? .control : .treatment }
        case false?:
            versions[index].type = .treatment
        case nil:
            break
        }
    }

    private static func checkRange(_ percentile: Double?) throws(BerthError) {
        guard let percentile else { return }
        guard percentile.isFinite, (0...100).contains(percentile) else {
            throw .invalidConfiguration(
                "trafficPercentile (\(percentile)) cannot be negative or greater than 100 (Invalid configuration, "
                    + "traffic_percentile cannot be negative or greater than 100).")
        }
    }

    private static func checkSum(_ versions: [EndpointVersion], endpoint: String) throws(BerthError) {
        let total = versions.reduce(0) { $0 + $1.trafficPercentile }
        guard total <= 100 + 1e-9 else {
            let parts = versions.map { "\($0.name) \(format($0.trafficPercentile))" }.joined(separator: ", ")
            throw .badRequest(
                "The traffic percentiles of endpoint '\(endpoint)' would sum to \(format(total)) (\(parts)); they "
                    + "must sum to at most 100. Lower another version's --traffic-percentile first.")
        }
    }

    private static func notFound(_ name: String, _ endpoint: String, _ versions: [EndpointVersion]) -> BerthError {
        .notFound(
            "Endpoint '\(endpoint)' has no version '\(name)'; its versions are "
                + versions.map { "'\($0.name)'" }.joined(separator: ", ") + ".")
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
