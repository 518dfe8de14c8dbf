import BerthCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on `<cache>/<hash>.lock`, so two prepares of the same environment — in
/// this process or in two servers sharing the machine-wide cache — build it once: the second
/// waits, then finds the first one's result. The lock is released when the holder's descriptor is
/// closed, so a crashed builder never leaves it held. Waiting polls with `Task.sleep` rather than
/// blocking a thread, and stops when the task is cancelled.
enum CacheLock {
    /// Runs `body` holding the lock, calling `onWait` once if another holder makes it wait.
    static func withLock<Result>(
        _ url: URL, pollInterval: Duration = .milliseconds(200), onWait: () -> Void,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw BerthError(.internalError, "Cannot open the lock file '\(url.path)': \(String(cString: strerror(errno))).")
        }
        defer { close(descriptor) }
        var hasWaited = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw BerthError(.internalError, "Cannot lock '\(url.path)': \(String(cString: strerror(errno))).")
            }
            if !hasWaited {
                hasWaited = true
                onWait()
            }
            try await Task.sleep(for: pollInterval)
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}
