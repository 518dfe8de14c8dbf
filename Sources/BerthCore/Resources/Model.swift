import Foundation

/// A registered model: files stored in the workspace's content-addressed artifact store under
/// `name:version`, as Azure ML's model registry keeps them.
///
/// The version auto-increments per name. JSON keys follow Azure's payload names (`kvTags`,
/// `createdTime`) so Azure-shaped clients read them without a mapping.
public struct Model: Codable, Sendable, Hashable {
    /// `name:version`, Azure's model id.
    public var id: String { "\(name):\(version)" }
    public var name: String
    public var version: Int
    public var description: String?
    public var kvTags: [String: String]
    public var properties: [String: String]
    public var createdTime: Date
    /// Whether a folder (rather than one file) was registered; a download recreates the same shape.
    public var isFolder: Bool
    /// The registered files, relative to the registered folder (or the one file's name).
    public var files: [ArtifactFile]

    /// Total bytes of all files.
    public var sizeBytes: Int64 { files.reduce(0) { $0 + $1.sizeBytes } }

    public init(
        name: String, version: Int, description: String? = nil, kvTags: [String: String] = [:],
        properties: [String: String] = [:], createdTime: Date = Date(), isFolder: Bool, files: [ArtifactFile]
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.kvTags = kvTags
        self.properties = properties
        self.createdTime = createdTime
        self.isFolder = isFolder
        self.files = files
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, version, description, kvTags, properties, createdTime, isFolder, files, sizeBytes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        version = try c.decode(Int.self, forKey: .version)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        kvTags = try c.decodeIfPresent([String: String].self, forKey: .kvTags) ?? [:]
        properties = try c.decodeIfPresent([String: String].self, forKey: .properties) ?? [:]
        createdTime = try c.decode(Date.self, forKey: .createdTime)
        isFolder = try c.decodeIfPresent(Bool.self, forKey: .isFolder) ?? false
        files = try c.decode([ArtifactFile].self, forKey: .files)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(version, forKey: .version)
        try c.encode(description, forKey: .description)
        try c.encode(kvTags, forKey: .kvTags)
        try c.encode(properties, forKey: .properties)
        try c.encode(createdTime, forKey: .createdTime)
        try c.encode(isFolder, forKey: .isFolder)
        try c.encode(files, forKey: .files)
        try c.encode(sizeBytes, forKey: .sizeBytes)
    }
}

/// One file of a model or a source snapshot: its relative path and the digest of its bytes in the
/// artifact store.
public struct ArtifactFile: Codable, Sendable, Hashable {
    /// Path relative to the registered folder, `/`-separated, never absolute, never with `..`.
    public var path: String
    /// `sha256:<hex>` of the bytes.
    public var digest: String
    public var sizeBytes: Int64

    public init(path: String, digest: String, sizeBytes: Int64) {
        self.path = path
        self.digest = digest
        self.sizeBytes = sizeBytes
    }

    /// Refuses paths that could escape the folder they are written into.
    public static func validate(path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.isEmpty || path.hasPrefix("/") || parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) {
            throw BerthError.badRequest(
                "File path '\(path)' is not allowed: paths must be relative, '/'-separated and must not contain '..'."
            )
        }
    }

    /// Whether `digest` has the `sha256:` + 64 lowercase hex form.
    public static func isValidDigest(_ digest: String) -> Bool {
        guard digest.hasPrefix("sha256:") else { return false }
        let hex = digest.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}

/// The body of `POST /api/v1/models`: files already uploaded to the artifact store.
public struct RegisterModelRequest: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var kvTags: [String: String]?
    public var properties: [String: String]?
    public var isFolder: Bool?
    public var files: [ArtifactFile]

    public init(
        name: String, description: String? = nil, kvTags: [String: String]? = nil,
        properties: [String: String]? = nil, isFolder: Bool? = nil, files: [ArtifactFile]
    ) {
        self.name = name
        self.description = description
        self.kvTags = kvTags
        self.properties = properties
        self.isFolder = isFolder
        self.files = files
    }
}

/// The answer of `POST /api/v1/artifacts`: where the uploaded bytes now live.
public struct ArtifactUploadResult: Codable, Sendable, Hashable {
    public var digest: String
    public var sizeBytes: Int64

    public init(digest: String, sizeBytes: Int64) {
        self.digest = digest
        self.sizeBytes = sizeBytes
    }
}

/// A page of resources, in Azure's `{"value": [...]}` list shape.
public struct ListResponse<Element: Codable & Sendable>: Codable, Sendable {
    public var value: [Element]
    public var nextLink: String?

    public init(value: [Element], nextLink: String? = nil) {
        self.value = value
        self.nextLink = nextLink
    }
}
