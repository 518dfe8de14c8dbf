import BerthCore

/// The traffic each version of an endpoint effectively gets, from the rules of the seed
/// (DESIGN.md "Controlled rollout"): every non-default version gets its `trafficPercentile`, and
/// the default version gets what is left of 100 — its own percentile only counts towards the
/// ≤ 100 sum.
///
/// Pure: the control plane computes it when it publishes the route table, and the router only
/// ever sees the resulting weights.
public enum TrafficSplit {
    /// One version's effective share.
    public struct Share: Sendable, Hashable {
        public var version: String
        /// Percent of the endpoint's traffic, 0–100.
        public var percent: Double
        /// The same share in basis points (hundredths of a percent), what the router splits by.
        public var basisPoints: Int { Int((percent * 100).rounded()) }

        public init(version: String, percent: Double) {
            self.version = version
            self.percent = percent
        }
    }

    /// The effective shares of `versions`, in their order; they sum to 100 whenever the versions
    /// follow `EndpointVersionRules` (a default exists, percentiles sum to ≤ 100).
    ///
    /// With no version marked default (never stored, but tolerated) the first takes the role, as
    /// the first version created does.
    public static func effectiveShares(_ versions: [EndpointVersion]) -> [Share] {
        guard !versions.isEmpty else { return [] }
        let defaultIndex = versions.firstIndex(where: \.isDefault) ?? 0
        var assigned = 0.0
        for (index, version) in versions.enumerated() where index != defaultIndex {
            assigned += clamp(version.trafficPercentile)
        }
        return versions.enumerated().map { index, version in
            Share(
                version: version.name,
                percent: index == defaultIndex ? max(0, 100 - assigned) : clamp(version.trafficPercentile))
        }
    }

    private static func clamp(_ percent: Double) -> Double {
        percent.isFinite ? min(100, max(0, percent)) : 0
    }
}
