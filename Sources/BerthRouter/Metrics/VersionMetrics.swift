import BerthCore
import Synchronization

/// Per-endpoint-version metrics of this router: `VersionMetricsWindow`s behind a `Mutex`, one
/// per version that has had traffic. Recording takes the lock once for a few additions.
final class VersionMetrics: Sendable {
    private let windows = Mutex<[String: [String: VersionMetricsWindow]]>([:])
    private let epoch = RouterClock.now

    init() {}

    /// Records one answer of `version` of `endpoint`.
    func record(endpoint: String, version: String, status: Int, startedAt: RouterClock.Instant) {
        let now = RouterClock.now
        let second = epoch.duration(to: now).components.seconds
        windows.withLock { all in
            all[endpoint, default: [:]][version, default: VersionMetricsWindow()].record(
                status: status, latency: startedAt.duration(to: now), now: second)
        }
    }

    /// The numbers of the last `window` seconds, per endpoint, versions in name order; versions
    /// not in `endpoints` (deleted ones) are dropped from memory.
    func report(window: Duration, endpoints: [String: [String]]) -> [String: [EndpointVersionMetrics]] {
        let second = epoch.duration(to: RouterClock.now).components.seconds
        let seconds = Int(window.components.seconds)
        return windows.withLock { all in
            for name in all.keys where endpoints[name] == nil { all[name] = nil }
            var result: [String: [EndpointVersionMetrics]] = [:]
            for (endpoint, versions) in endpoints {
                let recorded = all[endpoint] ?? [:]
                for gone in recorded.keys where !versions.contains(gone) { all[endpoint]?[gone] = nil }
                result[endpoint] = versions.sorted().map { version in
                    recorded[version]?.report(version: version, window: seconds, now: second)
                        ?? EndpointVersionMetrics(version: version, windowSeconds: seconds)
                }
            }
            return result
        }
    }
}
