import BerthCore
import Foundation
import Testing

@testable import BerthControlPlane

/// Which cached environments a prune removes.
struct EnvironmentPrunePolicyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(
        _ hash: String, _ location: CachedEnvironment.Location, idleHours: Double, services: [String] = []
    ) -> CachedEnvironment {
        CachedEnvironment(
            hash: hash, location: location, path: "/cache/\(hash)", sizeBytes: 1000,
            lastUsed: now.addingTimeInterval(-idleHours * 3600), services: services)
    }

    @Test("Used environments stay; unused workspace entries go after an hour; machine-wide ones after olderThan")
    func rules() {
        let policy = EnvironmentPrunePolicy(olderThan: 30 * 86400)
        let entries = [
            Self.entry("used-old", .workspace, idleHours: 1000, services: ["svc"]),
            Self.entry("used-machine", .machine, idleHours: 1000, services: ["svc"]),
            Self.entry("workspace-recent", .workspace, idleHours: 0.5),
            Self.entry("workspace-idle", .workspace, idleHours: 2),
            Self.entry("machine-idle-week", .machine, idleHours: 24 * 7),
            Self.entry("machine-idle-quarter", .machine, idleHours: 24 * 90),
        ]
        #expect(policy.removable(entries, now: Self.now).map(\.hash) == ["workspace-idle", "machine-idle-quarter"])
    }

    @Test("olderThan 0 still spares environments a deploy used within the last hour")
    func recentUseIsAlwaysSpared() {
        let policy = EnvironmentPrunePolicy(olderThan: 0)
        let entries = [Self.entry("fresh", .machine, idleHours: 0.2), Self.entry("stale", .machine, idleHours: 1.5)]
        #expect(policy.removable(entries, now: Self.now).map(\.hash) == ["stale"])
    }
}
