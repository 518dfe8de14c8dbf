import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading and writing the PEM files: reads tell a missing file from an unreadable one, and
/// writes create the file with its final mode from the first byte (a key is never readable by
/// others, not even briefly), then rename it into place so readers see the old or the new file.
package enum PEMFileIO {
    /// The bytes of `file`, which must name a path.
    static func read(_ file: TLSFile) throws(TLSError) -> Data {
        let path = file.path ?? ""
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .missingFile(file)
        }
        guard !isFolder.boolValue else { throw .unreadableFile(file, reason: "it is a folder") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as? CocoaError)?.code == .fileReadNoPermission ? "permission denied" : "read failed"
            throw .unreadableFile(file, reason: reason)
        }
    }

    /// Writes `text` to `url` with exactly `mode`, replacing any older file atomically.
    package static func write(_ text: String, to url: URL, mode: mode_t) throws(TLSError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw cannotWrite(url) }
        var failure: TLSError?
        // The umask may have cleared bits of `mode` (0644 → 0600); set exactly what was asked.
        if fchmod(descriptor, mode) != 0 { failure = cannotWrite(url) }
        let bytes = Array(text.utf8)
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno != EINTR { failure = cannotWrite(url) } else if count > 0 { written += count }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = cannotWrite(url) }
        close(descriptor)
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = cannotWrite(url) }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
    }

    /// Creates `folder` with mode 0700 when it does not exist; leaves an existing one as it is.
    package static func createPrivateFolder(_ folder: URL) throws(TLSError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw .cannotWrite(path: folder.path, reason: "a file is in its place") }
            return
        }
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
        } catch {
            throw .cannotWrite(path: folder.path, reason: "cannot create the folder")
        }
    }

    private static func cannotWrite(_ url: URL) -> TLSError {
        .cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
    }
}

/// The C library's `write`, out of reach of `PEMFileIO.write` inside the enum.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
