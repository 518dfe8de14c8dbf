import BerthCore
import Foundation

/// The environment caches on disk (the workspace's and the machine-wide one) as a list, and their
/// pruning: what `berth environment list|prune` and `/api/v1/environments` serve.
///
/// A deploy that finds an environment in a cache marks it used (`markUsed`, the mtime of
/// `berth-last-used` in its folder); a build's own marker counts as its first use.
struct EnvironmentCache: Sendable {
    let configuration: VenvEnvironmentBuilder.Configuration

    static let lastUsedFileName = "berth-last-used"

    /// Every complete environment in both caches, with the services of `services` that run it.
    func list(services: [Webservice]) -> [CachedEnvironment] {
        var users: [String: [String]] = [:]
        for service in services {
            if let hash = service.environmentHash { users[hash, default: []].append(service.name) }
        }
        var result: [CachedEnvironment] = []
        let roots: [(URL?, CachedEnvironment.Location)] = [
            (configuration.workspaceCache, .workspace), (configuration.machineCache, .machine),
        ]
        for case (let root?, let location) in roots {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            for hash in names.sorted() where Self.isHash(hash) {
                let entry = root.appendingPathComponent(hash)
                let folder = entry.resolvingSymlinksInPath()
                let isLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: entry.path)) != nil
                guard
                    FileManager.default.fileExists(
                        atPath: folder.appendingPathComponent(VenvEnvironmentBuilder.markerFileName).path)
                else { continue }
                result.append(
                    CachedEnvironment(
                        hash: hash, location: location, path: entry.path, sizeBytes: isLink ? 0 : Self.size(of: folder),
                        lastUsed: Self.lastUsed(folder), services: (users[hash] ?? []).sorted()))
            }
        }
        return result
    }

    /// Removes `entry` under its hash's build lock, so no build of that hash runs meanwhile.
    func remove(_ entry: CachedEnvironment) async throws {
        let url = URL(fileURLWithPath: entry.path)
        let root = url.deletingLastPathComponent()
        try await CacheLock.withLock(root.appendingPathComponent("\(entry.hash).lock"), onWait: {}) {
            try? FileManager.default.removeItem(at: url)
            try? FileManager.default.removeItem(at: root.appendingPathComponent("\(entry.hash).lock"))
        }
    }

    /// Records that a deploy used the environment in `folder` now.
    static func markUsed(_ folder: URL) {
        let file = folder.appendingPathComponent(lastUsedFileName)
        if !FileManager.default.createFile(atPath: file.path, contents: nil) {
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file.path)
        }
    }

    /// When a deploy last used `folder`: its `berth-last-used` mark, else its build marker.
    static func lastUsed(_ folder: URL) -> Date {
        for name in [lastUsedFileName, VenvEnvironmentBuilder.markerFileName] {
            let attributes = try? FileManager.default.attributesOfItem(
                atPath: folder.appendingPathComponent(name).path)
            if let date = attributes?[.modificationDate] as? Date { return date }
        }
        return .distantPast
    }

    /// An environment hash: 64 lowercase hex digits.
    static func isHash(_ name: String) -> Bool {
        name.count == 64 && name.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// Bytes the folder's files take on disk.
    static func size(of folder: URL) -> Int64 {
        let keys: Set<URLResourceKey> = [.totalFileAllocatedSizeKey, .isRegularFileKey]
        guard
            let walk = FileManager.default.enumerator(
                at: folder, includingPropertiesForKeys: Array(keys), options: [], errorHandler: { _, _ in true })
        else { return 0 }
        var total: Int64 = 0
        for case let url as URL in walk {
            let values = try? url.resourceValues(forKeys: keys)
            if values?.isRegularFile == true { total += Int64(values?.totalFileAllocatedSize ?? 0) }
        }
        return total
    }
}
