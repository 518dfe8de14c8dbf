import Foundation

/// One blob of the workspace's Azure-style blob storage: where a name in a container points.
///
/// The bytes live in the artifact store under `digest`, so a model that Azure's SDK uploads lands
/// in the same content-addressed store as `berth model register`; this record is only the name.
public struct StoredBlob: Codable, Sendable, Hashable {
    /// The container, the first path segment of a blob URL (e.g. `azureml`).
    public var container: String
    /// The blob's name inside the container, unescaped; it may hold slashes (`LocalUpload/…/model.pkl`).
    public var name: String
    /// `sha256:<hex>` of the bytes: their key in the artifact store.
    public var digest: String
    /// The size of the bytes.
    public var size: Int64
    /// The blob's `ETag`, quoted as sent (`"0x…"`); it changes whenever the blob is written.
    public var etag: String
    /// When the blob was last written (`Last-Modified`).
    public var lastModified: Date
    /// The blob's content type (`x-ms-blob-content-type`), when the uploader gave one.
    public var contentType: String?

    /// A blob record; `contentType` nil means the uploader gave none (`application/octet-stream`).
    public init(
        container: String, name: String, digest: String, size: Int64, etag: String, lastModified: Date,
        contentType: String? = nil
    ) {
        self.container = container
        self.name = name
        self.digest = digest
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
    }
}

/// The index of the blobs Azure's SDK uploaded through the blob facade, by container and name.
///
/// A protocol of its own, as `EndpointStore` is, so the SDK facade does not widen
/// `MetadataStore`; `SQLiteMetadataStore` implements it in the same database.
public protocol BlobStore: Sendable {
    /// The blob named `name` in `container`, or nil.
    func blob(container: String, name: String) async throws -> StoredBlob?
    /// Every blob whose name starts with `prefix`, ordered by name.
    func blobs(container: String, prefix: String) async throws -> [StoredBlob]
    /// Inserts or replaces the blob of that container and name.
    func saveBlob(_ blob: StoredBlob) async throws
}
