import BerthCore
import BerthStore
import Foundation
import Hummingbird

/// Blocks put (Put Block) and not yet committed (Put Block List), one file per block under
/// `$BERTH_HOME/sdk/blocks/<blob>/<block>`, both names SHA-256 hex so any container, blob name or
/// block id is a safe file name.
///
/// A block is written to a temporary file and renamed into place only once every byte arrived
/// and its hash matched, so a cut-off upload never leaves a block that a block list could commit.
/// Committing removes the blob's folder; folders left by uploads never committed are removed after
/// `maxAge`, at start.
struct BlockStaging: Sendable {
    let root: URL
    let maxAge: Duration

    /// Opens (and creates) the folder, removing blobs' folders untouched for `maxAge`.
    init(root: URL, maxAge: Duration, now: Date = Date()) throws {
        self.root = root
        self.maxAge = maxAge
        try FileManager.default.createDirectory(
            at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        removeStale(now: now)
    }

    /// Writes a block of `request`'s body, replacing a block of the same id.
    ///
    /// - Parameters:
    ///   - limit: the most bytes of the block.
    ///   - maxBlocks: the most blocks `address` may have; a new id beyond it is refused.
    /// - Throws: `BlobStorageError` when the body is too large, does not match `announced`
    ///   (nothing is kept then) or the blob has too many blocks; `BerthError` when the disk fails.
    func put(
        _ request: Request, id: String, of address: BlobAddress, announced: [UInt8]?, limit: Int64, maxBlocks: Int
    ) async throws {
        let folder = self.folder(of: address)
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        if existingFile(ofBlock: id, of: address) == nil,
            ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).count >= maxBlocks
        {
            throw BlobStorageError(
                .conflict, "BlockCountExceedsLimit",
                "\(address) already has \(maxBlocks) uncommitted blocks, this server's limit; commit them with a "
                    + "block list, or upload in larger blocks.")
        }
        let partial = folder.appendingPathComponent(".\(UUID().uuidString).part")
        guard manager.createFile(atPath: partial.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: partial.path)
        else {
            throw BerthError(.internalError, "Cannot create a block file in '\(folder.path)'; check free disk space.")
        }
        do {
            let received = try await BlobBody.stream(request, limit: limit, what: "Put Block") { bytes in
                try handle.write(contentsOf: bytes)
            }
            try handle.close()
            try BlobBody.check(received, against: announced, what: "block '\(id)' of \(address)")
            let target = file(ofBlock: id, of: address)
            if manager.fileExists(atPath: target.path) { try manager.removeItem(at: target) }
            try manager.moveItem(at: partial, to: target)
        } catch {
            try? handle.close()
            try? manager.removeItem(at: partial)
            throw error
        }
    }

    /// The file of a block put for `address`, or nil when there is none.
    func existingFile(ofBlock id: String, of address: BlobAddress) -> URL? {
        let url = file(ofBlock: id, of: address)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Removes every block put for `address` (after a commit).
    func discard(_ address: BlobAddress) {
        try? FileManager.default.removeItem(at: folder(of: address))
    }

    /// Removes the folders of blobs no block was put to for `maxAge`.
    func removeStale(now: Date = Date()) {
        let manager = FileManager.default
        let cutoff = now.addingTimeInterval(-TimeInterval(maxAge.components.seconds))
        let folders =
            (try? manager.contentsOfDirectory(
                at: root, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        for folder in folders {
            let modified = try? folder.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
            if let modified, modified < cutoff { try? manager.removeItem(at: folder) }
        }
    }

    private func folder(of address: BlobAddress) -> URL {
        root.appendingPathComponent(ContentDigest.sha256Hex(Data("\(address.container)/\(address.name)".utf8)))
    }

    private func file(ofBlock id: String, of address: BlobAddress) -> URL {
        folder(of: address).appendingPathComponent(ContentDigest.sha256Hex(Data(id.utf8)))
    }
}
