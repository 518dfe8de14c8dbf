import BerthCore
import BerthStore
// On Linux, MemberImportVisibility counts the members of Glibc's C structs (`stat`, `timespec`)
// as defined by whichever module that includes their header the compiler loaded first:
// CDispatch in one build configuration, CoreFoundation in another. Both are imported so that
// every configuration builds.
import CDispatch
import CoreFoundation
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Snapshots a deployment's source folder into the artifact store — the first step of a deploy.
///
/// The walk leaves out what the folder's `.amlignore` lists, or its `.gitignore` when there is no
/// `.amlignore` (see `IgnoreRules`), and always leaves out `.git/` and `__pycache__/` folders
/// (version-control data and bytecode that Python rewrites on every run, which would change the
/// digest without changing the program). Symbolic links are followed when they stay inside the
/// folder and refused with an error when they point outside it or nowhere.
package struct SourcePackager: Sendable {
    /// Ignore files in order of preference: the first one present applies, the others are ignored.
    package static let ignoreFileNames = [".amlignore", ".gitignore"]
    /// Folders never packaged, wherever they are.
    package static let alwaysSkippedDirectories: Set<String> = [".git", "__pycache__"]

    /// Where file blobs and the manifest are stored.
    package let artifacts: any ArtifactStore

    package init(artifacts: any ArtifactStore) {
        self.artifacts = artifacts
    }

    /// Snapshots `directory`, off the cooperative thread pool (the walk reads every byte).
    package func snapshot(of directory: URL) async throws -> SourceSnapshot {
        try await offloaded { try snapshotBlocking(of: directory) }
    }

    /// The synchronous body of `snapshot(of:)`, for callers already on a thread of their own.
    package func snapshotBlocking(of directory: URL) throws -> SourceSnapshot {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BerthError.badRequest(
                "The source directory '\(directory.path)' does not exist or is not a folder; check sourceDirectory.")
        }
        let (rules, ignoreFile) = try Self.ignoreRules(in: root)
        var walk = Walk(root: root, rules: rules, artifacts: artifacts)
        try walk.visit(directory: root, relativePath: "")
        let manifest = SourceManifest(files: walk.entries)
        let stored = try artifacts.ingest(try manifest.canonicalData())
        return SourceSnapshot(digest: stored.digest, manifest: manifest, ignoreFile: ignoreFile)
    }

    /// The rules of the first ignore file present at the root, and its name.
    static func ignoreRules(in root: URL) throws -> (IgnoreRules, String?) {
        for name in ignoreFileNames {
            let url = root.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw BerthError.badRequest("'\(url.path)' is not readable UTF-8 text; fix or remove it.")
            }
            return (IgnoreRules(parsing: text), name)
        }
        return (.none, nil)
    }
}

/// The state of one walk: the rules, the folders already entered (to stop symlink cycles) and
/// the entries found so far.
private struct Walk {
    let root: URL
    let rules: IgnoreRules
    let artifacts: any ArtifactStore
    var entries: [SourceManifest.Entry] = []
    var visitedDirectories: Set<String> = []

    init(root: URL, rules: IgnoreRules, artifacts: any ArtifactStore) {
        self.root = root
        self.rules = rules
        self.artifacts = artifacts
    }

    mutating func visit(directory: URL, relativePath: String) throws {
        guard visitedDirectories.insert(directory.path).inserted else { return }
        defer { visitedDirectories.remove(directory.path) }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        for name in names {
            let path = relativePath.isEmpty ? name : relativePath + "/" + name
            let target = try resolve(directory.appendingPathComponent(name))
            let isIgnored: Bool
            switch target.kind {
            case .directory:
                isIgnored =
                    SourcePackager.alwaysSkippedDirectories.contains(name) || rules.isIgnored(path, isDirectory: true)
            case .file: isIgnored = rules.isIgnored(path, isDirectory: false)
            case .other: isIgnored = true
            }
            // An ignored link is never followed, so a link the user excludes may point anywhere.
            guard !isIgnored else { continue }
            if let problem = target.problem {
                throw BerthError.badRequest(
                    "The source directory holds a symbolic link '\(path)' that points \(problem). Replicas run from "
                        + "a copy of the folder, so copy the target in, remove the link, or list it in .amlignore.")
            }
            switch target.kind {
            case .directory:
                try visit(directory: target.url, relativePath: path)
            case .file(let isExecutable):
                try ArtifactFile.validate(path: path)
                let stored = try artifacts.ingestFile(at: target.url)
                entries.append(
                    .init(path: path, digest: stored.digest, sizeBytes: stored.sizeBytes, isExecutable: isExecutable))
            case .other:
                continue
            }
        }
    }

    private enum Kind {
        case directory
        case file(isExecutable: Bool)
        case other
    }

    /// What `url` is, following a symbolic link; `problem` says why a link may not be packaged
    /// (it leaves the root or points nowhere).
    private func resolve(_ url: URL) throws -> (url: URL, kind: Kind, problem: String?) {
        var info = stat()
        guard lstat(url.path, &info) == 0 else {
            throw BerthError.badRequest("Cannot read '\(url.path)' while packaging the source directory.")
        }
        var resolved = url
        var problem: String?
        if (info.st_mode & S_IFMT) == S_IFLNK {
            resolved = url.resolvingSymlinksInPath()
            let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
            if stat(resolved.path, &info) != 0 {
                return (resolved, .file(isExecutable: false), "to '\(resolved.path)', which does not exist")
            }
            if resolved.path != root.path, !resolved.path.hasPrefix(rootPath) {
                problem = "outside it, to '\(resolved.path)'"
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return (resolved, .directory, problem)
        case S_IFREG: return (resolved, .file(isExecutable: info.st_mode & S_IXUSR != 0), problem)
        default: return (resolved, .other, problem)
        }
    }
}

extension ArtifactStore {
    /// Stores bytes held in memory.
    func ingest(_ data: Data) throws -> ArtifactUploadResult {
        let upload = try beginUpload()
        do {
            try upload.write(data)
            return try upload.finish()
        } catch {
            upload.abort()
            throw error
        }
    }
}
