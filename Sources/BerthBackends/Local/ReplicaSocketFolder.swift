import BerthCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The folder local replicas listen in: one Unix domain socket per replica, in a folder only this
/// user can enter (0700), so nothing but the router, which runs as the same user, can score a
/// replica without the key it checks.
public struct ReplicaSocketFolder: Sendable, Hashable {
    public let url: URL

    /// The longest socket path the system takes (`sun_path` holds 108 bytes with its NUL).
    static let maxPathBytes = 107
    /// A socket's file name: 16 hex digits and `.sock`.
    static let nameBytes = 21

    /// Makes (or takes) `preferred` when its socket paths fit the system's limit, else a folder
    /// under the system's temporary folder named for this user and `preferred`; either way owned
    /// by this user with mode 0700.
    ///
    /// - Throws: `SocketFolderError`, naming the folder, when it cannot be made private (another
    ///   user owns it).
    public static func prepare(preferred: URL) throws -> ReplicaSocketFolder {
        var folder = preferred.standardizedFileURL
        if folder.path.utf8.count + 1 + nameBytes > maxPathBytes {
            let tag = String(FNV1a.hash(folder.path), radix: 16)
            folder = URL(fileURLWithPath: "/tmp/berth-\(getuid())", isDirectory: true).appendingPathComponent(
                tag, isDirectory: true)
        }
        try makePrivate(folder)
        return ReplicaSocketFolder(url: folder)
    }

    /// The socket of replica `index` of `service` at `revision`, started for the `start`th time: a
    /// name of fixed length, so the path fits whatever the service is called; distinct per
    /// revision, so a rolling update's old and new replicas never share one; and distinct per
    /// start, so a router still holding a crashed replica's address finds nothing there (and
    /// retries elsewhere) instead of reaching its restarted, not yet ready successor.
    public func socketPath(service: String, revision: String, index: Int, start: Int = 0) -> String {
        let name = String(FNV1a.hash("\(service)/\(revision)/\(index)/\(start)"), radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - name.count)) + name
        return url.appendingPathComponent("\(padded).sock").path
    }

    private static func makePrivate(_ folder: URL) throws {
        let manager = FileManager.default
        // Both levels: under /tmp another user could have made the parent first.
        for directory in [folder.deletingLastPathComponent(), folder] {
            if !manager.fileExists(atPath: directory.path) {
                try manager.createDirectory(
                    at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            var info = stat()
            guard lstat(directory.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid()
            else {
                throw SocketFolderError(
                    "The replica socket folder \(directory.path) is not a folder of this user; remove it or set BERTH_HOME."
                )
            }
            guard chmod(directory.path, 0o700) == 0 else {
                throw SocketFolderError(
                    "Could not make the replica socket folder \(directory.path) private (chmod 0700).")
            }
        }
    }

}

/// The replica socket folder cannot be used; the message names it and the fix.
struct SocketFolderError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
