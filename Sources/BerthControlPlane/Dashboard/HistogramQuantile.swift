/// Quantiles of the requests that fell between two reads of a cumulative histogram, estimated
/// the way Prometheus' `histogram_quantile` does: linearly within the bucket the quantile falls
/// in, and the largest finite bound for one in the `+Inf` bucket.
enum HistogramQuantile {
    /// The `q` quantile (0…1) of what `current` counted since `previous` (both cumulative, bounds
    /// ascending); nil when nothing was counted in between. A reset (a count that went down) reads
    /// `current` alone, as Prometheus' `rate` does.
    static func quantile(
        _ q: Double, current: [DashboardReading.Bucket], previous: [DashboardReading.Bucket]
    ) -> Double? {
        let previousCounts = Dictionary(previous.map { ($0.bound, $0.count) }, uniquingKeysWith: { first, _ in first })
        var deltas = current.map { bucket in
            DashboardReading.Bucket(bound: bucket.bound, count: bucket.count - (previousCounts[bucket.bound] ?? 0))
        }
        if deltas.contains(where: { $0.count < 0 }) { deltas = current }
        guard let total = deltas.last?.count, total > 0 else { return nil }
        let rank = q * total
        var lowerBound = 0.0
        var lowerCount = 0.0
        for bucket in deltas {
            if bucket.count >= rank {
                guard bucket.bound.isFinite else { return lowerBound }
                let inBucket = bucket.count - lowerCount
                guard inBucket > 0 else { return bucket.bound }
                return lowerBound + (bucket.bound - lowerBound) * (rank - lowerCount) / inBucket
            }
            lowerBound = bucket.bound.isFinite ? bucket.bound : lowerBound
            lowerCount = bucket.count
        }
        return lowerBound
    }
}
