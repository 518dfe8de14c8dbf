import BerthAPITypes
import BerthCore
import BerthStore
import Foundation

/// The environment caches: `GET /api/v1/environments` lists them, `POST /api/v1/environments/prune`
/// removes what no service runs (`EnvironmentPrunePolicy`), so built venvs do not fill the disk.
extension ControlPlaneAPI {
    /// The default age after which an unused machine-wide environment goes.
    static var defaultOlderThanDays: Int { 30 }
    /// The largest `olderThanDays`, as the document bounds it (a 32-bit integer).
    static var maxOlderThanDays: Int { Int(Int32.max) }

    func listEnvironments(_ input: Operations.ListEnvironments.Input) async throws
        -> Operations.ListEnvironments.Output
    {
        let services = try await store.services()
        let cache = environmentCache
        let listed = try await offloaded { cache.list(services: services) }
        return .ok(.init(body: .json(try ["value": listed].checkedConversion())))
    }

    func pruneEnvironments(_ input: Operations.PruneEnvironments.Input) async throws
        -> Operations.PruneEnvironments.Output
    {
        // No body prunes with the defaults.
        let body: PruneEnvironmentsRequest =
            switch input.body {
            case .json(let json)?: try json.converted(what: "prune request")
            case nil: PruneEnvironmentsRequest()
            }
        let days = body.olderThanDays ?? Self.defaultOlderThanDays
        guard (0...Self.maxOlderThanDays).contains(days) else {
            throw BerthError.badRequest(
                "'olderThanDays' must be from 0 to \(Self.maxOlderThanDays) (days without use), got \(days).")
        }
        let services = try await store.services()
        let cache = environmentCache
        let listed = try await offloaded { cache.list(services: services) }
        let removable = EnvironmentPrunePolicy(olderThan: TimeInterval(days) * 86400).removable(listed, now: Date())
        let dryRun = body.dryRun ?? false
        if !dryRun {
            for entry in removable { try await cache.remove(entry) }
        }
        let result = PruneEnvironmentsResult(
            removed: removable, freedBytes: removable.reduce(0) { $0 + $1.sizeBytes }, dryRun: dryRun)
        return .ok(.init(body: .json(try result.checkedConversion())))
    }
}
