import BerthAuth
import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Hummingbird
import Logging

@testable import BerthControlPlane

/// A temporary folder tree for one test, removed by `cleanUp()`.
struct Scratch {
    let root: URL

    init(_ prefix: String = "berth-cp") throws {
        root = try TestPaths.makeTemporaryDirectory(prefix)
    }

    /// Writes `text` at `path` (relative to `base`, default `root`), creating folders.
    @discardableResult
    func write(_ path: String, _ text: String, in base: URL? = nil, executable: Bool = false) throws -> URL {
        let url = (base ?? root).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        return url
    }

    func folder(_ name: String) throws -> URL {
        let url = root.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func artifactStore() throws -> FileArtifactStore {
        try FileArtifactStore(root: root.appendingPathComponent("artifacts"))
    }

    /// Removes the tree, first making read-only files writable again.
    func cleanUp() {
        if let walker = FileManager.default.enumerator(atPath: root.path) {
            for case let path as String in walker {
                try? FileManager.default.setAttributes(
                    [.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent(path).path)
            }
        }
        try? FileManager.default.removeItem(at: root)
    }
}

/// A workspace's Azure blob storage in a temporary folder: the SQLite index, the artifact store,
/// the block folder and a fixed signing key, with the blob routes for `app.test(.router)`.
struct BlobFixture {
    let scratch: Scratch
    let store: SQLiteMetadataStore
    let artifacts: FileArtifactStore
    let blobs: AzureBlobs

    init(configuration: AzureBlobs.Configuration = AzureBlobs.Configuration()) throws {
        scratch = try Scratch("berth-blob")
        store = try SQLiteMetadataStore(path: scratch.root.appendingPathComponent("berth.sqlite"))
        artifacts = try scratch.artifactStore()
        let grants = BlobGrants(
            signer: MessageSigner(key: Array(repeating: 7, count: MessageSigner.keyBytes)),
            identity: AzureWorkspaceIdentity())
        blobs = AzureBlobs(
            grants: grants, store: store, artifacts: artifacts,
            blocks: try BlockStaging(root: scratch.root.appendingPathComponent("blocks"), maxAge: .seconds(3600)),
            configuration: configuration)
    }

    /// A signed URL for `name` in container `azureml`.
    func uri(_ name: String, permissions: String = "rcw", expiresIn: TimeInterval = 3600) -> String {
        blobs.grants.contentURI(
            container: "azureml", name: name, permissions: permissions, expiresAt: Date().addingTimeInterval(expiresIn))
    }

    /// The path and query of a URL: what a request line carries.
    static func pathAndQuery(_ uri: String) -> String {
        let afterScheme = uri.range(of: "://").map { uri[$0.upperBound...] } ?? Substring(uri)
        return String(afterScheme.drop { $0 != "/" })
    }

    /// The blob routes behind Azure's error middleware, as the proxy serves them.
    func application() -> some ApplicationProtocol {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.add(middleware: BlobResponseMiddleware(logger: Logger(label: "berth.test.blob")))
        BlobRoutes(blobs: blobs).add(to: router)
        return Application(router: router)
    }

    /// How many blobs the artifact store holds.
    func artifactCount() -> Int {
        let root = scratch.root.appendingPathComponent("artifacts/sha256")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return folders.reduce(0) { count, folder in
            count
                + ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path))?
                    .count ?? 0)
        }
    }

    /// The query parameters of a URL, unescaped.
    static func query(of uri: String) -> [String: String] {
        var query: [String: String] = [:]
        for item in URLComponents(string: uri)?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        return query
    }
}
