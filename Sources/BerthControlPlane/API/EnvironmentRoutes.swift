import BerthCore
import BerthStore
import Foundation
import Hummingbird

/// The environment caches: `GET /api/v1/environments` lists them, `POST /api/v1/environments/prune`
/// removes what no service runs (`EnvironmentPrunePolicy`), so built venvs do not fill the disk.
struct EnvironmentRoutes<Context: RequestContext> {
    let store: any MetadataStore
    let cache: EnvironmentCache

    /// The default age after which an unused machine-wide environment goes.
    static var defaultOlderThanDays: Int { 30 }
    /// The largest `olderThanDays`, as the document bounds it (a 32-bit integer).
    static var maxOlderThanDays: Int { Int(Int32.max) }

    func add(to router: Router<Context>) {
        router.get("/api/v1/environments") { _, _ in
            let services = try await store.services()
            let listed = try await offloaded { cache.list(services: services) }
            return try JSONBody.response(["value": listed])
        }
        router.post("/api/v1/environments/prune") { request, _ in
            let body =
                request.headers[.contentLength] == "0"
                ? PruneEnvironmentsRequest()
                : try await JSONBody.decode(PruneEnvironmentsRequest.self, from: request, what: "prune request")
            let days = body.olderThanDays ?? Self.defaultOlderThanDays
            guard (0...Self.maxOlderThanDays).contains(days) else {
                throw BerthError.badRequest(
                    "'olderThanDays' must be from 0 to \(Self.maxOlderThanDays) (days without use), got \(days).")
            }
            let services = try await store.services()
            let listed = try await offloaded { cache.list(services: services) }
            let removable = EnvironmentPrunePolicy(olderThan: TimeInterval(days) * 86400)
                .removable(listed, now: Date())
            let dryRun = body.dryRun ?? false
            if !dryRun {
                for entry in removable { try await cache.remove(entry) }
            }
            return try JSONBody.response(
                PruneEnvironmentsResult(
                    removed: removable, freedBytes: removable.reduce(0) { $0 + $1.sizeBytes }, dryRun: dryRun))
        }
    }
}
