import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

/// The blob index in the SQLite store (migration `v5-blobs`): upsert by container and name, prefix
/// listing ordered by name (a prefix with LIKE's wildcards matches only itself), survival of a reopen.
struct SQLiteBlobStoreTests {
    @Test func blobsUpsertListByPrefixAndSurviveReopen() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.appending("berth.sqlite")
        let modified = Date(timeIntervalSince1970: 1_800_000_000)
        func blob(_ name: String, container: String = "azureml", size: Int64 = 1) -> StoredBlob {
            StoredBlob(
                container: container, name: name, digest: "sha256:" + String(repeating: "a", count: 64), size: size,
                etag: "\"0x1\"", lastModified: modified, contentType: "application/octet-stream")
        }
        do {
            let store = try SQLiteMetadataStore(path: path)
            for name in ["LocalUpload/b/z.pkl", "LocalUpload/a_b/x.pkl", "LocalUpload/a/y.pkl", "LocalUpload/a/x.pkl"] {
                try await store.saveBlob(blob(name))
            }
            try await store.saveBlob(blob("LocalUpload/a/x.pkl", container: "other"))
            try await store.saveBlob(blob("LocalUpload/a/x.pkl", size: 42))
            #expect(try await store.blob(container: "azureml", name: "LocalUpload/a/x.pkl")?.size == 42)
            #expect(try await store.blob(container: "azureml", name: "LocalUpload/c/x.pkl") == nil)
        }
        let store = try SQLiteMetadataStore(path: path)
        let names = try await store.blobs(container: "azureml", prefix: "LocalUpload/a/").map(\.name)
        #expect(names == ["LocalUpload/a/x.pkl", "LocalUpload/a/y.pkl"])
        #expect(
            try await store.blobs(container: "azureml", prefix: "LocalUpload/a_").map(\.name) == [
                "LocalUpload/a_b/x.pkl"
            ])
        #expect(try await store.blobs(container: "azureml", prefix: "").count == 4)
        #expect(try await store.blobs(container: "other", prefix: "Local").map(\.size) == [1])
    }
}
