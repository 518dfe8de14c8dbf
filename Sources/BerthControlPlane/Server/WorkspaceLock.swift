import BerthCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on a workspace, held by the one server that runs on it.
///
/// A second server on the same folder would clear the first one's uploads in progress, overwrite
/// its `server.json` and start replicas of the same deployments. The lock is a `flock` on
/// `server.lock`, so the OS releases it when the holder dies, even by `kill -9`: a crash never
/// leaves a stale lock that blocks the restart.
final class WorkspaceLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, or throws a `BerthError` (`conflict`) naming the server that holds it.
    init(layout: WorkspaceLayout) throws {
        let path = layout.root.appendingPathComponent("server.lock").path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw BerthError(
                .internalError,
                "Cannot open '\(path)': \(String(cString: strerror(errno))). Check the workspace folder's permissions."
            )
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            var holder = ""
            if let data = FileManager.default.contents(atPath: layout.serverInfoFile.path),
                let info = try? BerthJSON.decode(ServerInfo.self, from: data)
            {
                holder = " (pid \(info.pid), \(info.controlPlaneURL))"
            }
            throw BerthError(
                .conflict,
                "Another Berth server already runs on the workspace '\(layout.root.path)'\(holder). Stop it first, "
                    + "or give this one another --home."
            )
        }
    }

    deinit {
        close(descriptor)
    }
}
