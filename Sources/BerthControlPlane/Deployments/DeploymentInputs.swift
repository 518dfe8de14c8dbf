import BerthCore
import Foundation

/// Copies the user's source folder for a deployment.
///
/// Interim: a plain recursive copy that skips `.git`, `__pycache__` and `.venv`; snapshots into
/// the artifact store honouring `.amlignore`/`.gitignore` replace it (issue 4, item 0).
enum DeploymentSources {
    struct Packaged {
        var files: Int
        var bytes: Int64
        var ignoreFile: String?
    }

    static func copy(from source: URL, to target: URL) throws -> Packaged {
        let manager = FileManager.default
        try manager.createDirectory(at: target, withIntermediateDirectories: true)
        var packaged = Packaged(files: 0, bytes: 0, ignoreFile: nil)
        let skipped: Set<String> = [".git", "__pycache__", ".venv"]
        guard let walker = manager.enumerator(at: source, includingPropertiesForKeys: [.isDirectoryKey, .fileSizeKey])
        else {
            throw BerthError.invalidConfiguration("Cannot read the source folder '\(source.path)'.")
        }
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.isDirectoryKey, .fileSizeKey])
            if skipped.contains(url.lastPathComponent) {
                if values.isDirectory == true { walker.skipDescendants() }
                continue
            }
            let relative = String(url.standardizedFileURL.path.dropFirst(source.standardizedFileURL.path.count + 1))
            let destination = target.appendingPathComponent(relative)
            if values.isDirectory == true {
                try manager.createDirectory(at: destination, withIntermediateDirectories: true)
            } else {
                try manager.copyItem(at: url, to: destination)
                packaged.files += 1
                packaged.bytes += Int64(values.fileSize ?? 0)
            }
        }
        return packaged
    }
}

/// The Python a deployment runs with.
///
/// Interim: the system `python3` (or `$BERTH_DEPLOY_PYTHON`), with the dependencies logged but not
/// installed; the environment builder with its caches replaces it (issue 4, item 1).
enum DeploymentEnvironment {
    static func prepare(_ config: InferenceConfig, log: @Sendable (String) async -> Void) async throws -> String {
        let python = ProcessInfo.processInfo.environment["BERTH_DEPLOY_PYTHON"] ?? "python3"
        await log("Environment: \(python) (building environments from condaFile/environment is not wired in yet).")
        return python
    }
}
