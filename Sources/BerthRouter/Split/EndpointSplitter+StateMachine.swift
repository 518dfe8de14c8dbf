import BerthCore

/// Smooth weighted round-robin over an endpoint's versions (nginx's algorithm), as a pure value:
/// each pick adds every version's weight to its credit, takes the version with the most credit
/// and charges it the total. Over any run of `total` picks each version gets exactly its weight,
/// spread out rather than in bursts — so a 10 % version is not hit ten times in a row.
///
/// A new table keeps the credit of versions that stay, so a weight change applies from the next
/// pick without a burst; a removed version is never picked again.
struct EndpointSplitterStateMachine {
    struct Split {
        var versions: [EndpointVersionRoute]
        var credit: [Int]
        var total: Int
    }

    /// The pick of one request.
    struct Pick: Sendable, Hashable {
        var version: String
        var service: String
    }

    private(set) var splits: [String: Split] = [:]

    /// Takes the endpoints of a newly applied table.
    mutating func apply(_ endpoints: [String: EndpointRoute]) {
        var next: [String: Split] = [:]
        next.reserveCapacity(endpoints.count)
        for (name, endpoint) in endpoints {
            let old = splits[name]
            if let old, old.versions == endpoint.versions {
                next[name] = old
                continue
            }
            var credit: [Int] = []
            credit.reserveCapacity(endpoint.versions.count)
            for version in endpoint.versions {
                let index = old?.versions.firstIndex { $0.name == version.name }
                credit.append(index.map { old!.credit[$0] } ?? 0)
            }
            next[name] = Split(
                versions: endpoint.versions, credit: credit,
                total: endpoint.versions.reduce(0) { $0 + max(0, $1.weight) })
        }
        splits = next
    }

    /// The version for the next request to `endpoint`; nil when there is no such endpoint or no
    /// version has weight. Allocates nothing.
    mutating func pick(endpoint: String) -> Pick? {
        guard var split = splits[endpoint], split.total > 0 else { return nil }
        // Take the split out so the arrays are uniquely referenced and mutate in place.
        splits[endpoint] = nil
        defer { splits[endpoint] = split }
        var best = -1
        for index in split.versions.indices {
            split.credit[index] += max(0, split.versions[index].weight)
            if best < 0 || split.credit[index] > split.credit[best] { best = index }
        }
        split.credit[best] -= split.total
        return Pick(version: split.versions[best].name, service: split.versions[best].service)
    }

    /// Version `version` of `endpoint` for a direct call, whatever its weight.
    func direct(endpoint: String, version: some StringProtocol) -> Pick? {
        guard let match = splits[endpoint]?.versions.first(where: { $0.name == version }) else { return nil }
        return Pick(version: match.name, service: match.service)
    }

    /// Whether the table has endpoint `name`.
    func hasEndpoint(_ name: String) -> Bool { splits[name] != nil }
}
