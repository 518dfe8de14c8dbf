import BerthCore
import Foundation

/// Which cached environments a prune removes: a pure function of the cache listing and the time,
/// so the rules are tested without folders.
///
/// - An environment a service of this workspace runs never goes.
/// - Nothing a deploy used within `recentUse` goes: a deploy in progress has prepared its
///   environment before its service records the hash.
/// - A workspace entry goes once unused; it is usually a link, and the machine-wide folder it
///   points to stays for other workspaces.
/// - A machine-wide folder goes once unused for `olderThan`. Another workspace that still links to
///   it finds the link dangling at its next deploy and builds the environment again.
struct EnvironmentPrunePolicy: Sendable {
    var olderThan: TimeInterval
    var recentUse: TimeInterval = 3600

    func removable(_ entries: [CachedEnvironment], now: Date) -> [CachedEnvironment] {
        entries.filter { entry in
            guard entry.services.isEmpty else { return false }
            let idle = now.timeIntervalSince(entry.lastUsed)
            switch entry.location {
            case .workspace: return idle >= recentUse
            case .machine: return idle >= max(olderThan, recentUse)
            }
        }
    }
}
