import Foundation

/// One Python environment in a cache, as `GET /api/v1/environments` and `berth environment list`
/// show it: which hash, where, how big, when a deploy last used it and which services run it.
public struct CachedEnvironment: Codable, Sendable, Hashable {
    /// Which cache holds it.
    public enum Location: String, Codable, Sendable, Hashable {
        /// `$BERTH_HOME/envs`: this workspace's (often a link into the machine-wide cache).
        case workspace
        /// `$XDG_CACHE_HOME/berth/envs` (else `~/.cache/berth/envs`), shared by the workspaces of this machine.
        case machine
    }

    /// The environment hash (`EnvironmentSpec.hash`).
    public var hash: String
    public var location: Location
    /// The folder, or the link in the workspace cache.
    public var path: String
    /// Bytes on disk (0 for a workspace link: the machine-wide entry holds them).
    public var sizeBytes: Int64
    /// When a deploy last found or built it.
    public var lastUsed: Date
    /// This workspace's services (and endpoint versions) whose current revision runs it.
    public var services: [String]

    public init(hash: String, location: Location, path: String, sizeBytes: Int64, lastUsed: Date, services: [String]) {
        self.hash = hash
        self.location = location
        self.path = path
        self.sizeBytes = sizeBytes
        self.lastUsed = lastUsed
        self.services = services
    }
}

/// The body of `POST /api/v1/environments/prune`.
public struct PruneEnvironmentsRequest: Codable, Sendable, Hashable {
    /// Machine-wide entries unused for this many days go (default 30); this workspace's entries go
    /// as soon as no service of it runs them (and no deploy used them in the last hour).
    public var olderThanDays: Int?
    /// List what would go without removing anything.
    public var dryRun: Bool?

    public init(olderThanDays: Int? = nil, dryRun: Bool? = nil) {
        self.olderThanDays = olderThanDays
        self.dryRun = dryRun
    }
}

/// What a prune removed (or, in a dry run, would remove).
public struct PruneEnvironmentsResult: Codable, Sendable, Hashable {
    public var removed: [CachedEnvironment]
    public var freedBytes: Int64
    public var dryRun: Bool

    public init(removed: [CachedEnvironment], freedBytes: Int64, dryRun: Bool) {
        self.removed = removed
        self.freedBytes = freedBytes
        self.dryRun = dryRun
    }
}
