import Foundation

/// A scoring URI in front of 1–6 versions with a traffic split (Azure's `AksEndpoint`, compute
/// type `AKSENDPOINT`). Endpoint-level fields are auth and description; everything about running
/// code lives in each version's deployment (`EndpointVersion.deploymentName`).
///
/// In JSON, `versions` is an object keyed by version name, as in Azure's AKSENDPOINT payload
/// (`versions{}`, compat.md §6.1); in Swift it is an array ordered by name. Bodies stored before
/// this shape (an array) still read.
public struct Endpoint: Codable, Sendable, Hashable {
    public var name: String
    /// The compute target every version runs on.
    public var computeName: String
    /// Always `AKSENDPOINT`.
    public var computeType: String
    public var description: String?
    /// Key auth for the endpoint (all versions). Default true.
    public var authEnabled: Bool
    /// Token auth for the endpoint (Azure's `aadAuthEnabled`); never on together with keys.
    public var aadAuthEnabled: Bool
    /// The versions with their traffic and roles; ordered by name once read back from JSON
    /// (an object has no order).
    public var versions: [EndpointVersion]
    /// `<router>/api/v1/endpoint/<name>/score`; nil without a router.
    public var scoringUri: String?
    public var createdTime: Date
    public var updatedTime: Date

    public init(
        name: String, computeName: String, description: String? = nil, authEnabled: Bool = true,
        aadAuthEnabled: Bool = false, versions: [EndpointVersion] = [], scoringUri: String? = nil,
        createdTime: Date = Date()
    ) {
        self.name = name
        self.computeName = computeName
        self.computeType = "AKSENDPOINT"
        self.description = description
        self.authEnabled = authEnabled
        self.aadAuthEnabled = aadAuthEnabled
        self.versions = versions
        self.scoringUri = scoringUri
        self.createdTime = createdTime
        self.updatedTime = createdTime
    }
}

extension Endpoint {
    private enum CodingKeys: String, CodingKey {
        case name, computeName, computeType, description, authEnabled, aadAuthEnabled, versions, scoringUri
        case createdTime, updatedTime
    }

    /// A version name as an object key of `versions`.
    private struct VersionKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        computeName = try container.decode(String.self, forKey: .computeName)
        computeType = try container.decodeIfPresent(String.self, forKey: .computeType) ?? "AKSENDPOINT"
        description = try container.decodeIfPresent(String.self, forKey: .description)
        authEnabled = try container.decodeIfPresent(Bool.self, forKey: .authEnabled) ?? true
        aadAuthEnabled = try container.decodeIfPresent(Bool.self, forKey: .aadAuthEnabled) ?? false
        if let list = try? container.decode([EndpointVersion].self, forKey: .versions) {
            versions = list
        } else if container.contains(.versions) {
            let object = try container.nestedContainer(keyedBy: VersionKey.self, forKey: .versions)
            versions = try object.allKeys.map { key in
                var version = try object.decode(EndpointVersion.self, forKey: key)
                version.name = key.stringValue
                return version
            }
            .sorted { $0.name < $1.name }
        } else {
            versions = []
        }
        scoringUri = try container.decodeIfPresent(String.self, forKey: .scoringUri)
        createdTime = try container.decode(Date.self, forKey: .createdTime)
        updatedTime = try container.decodeIfPresent(Date.self, forKey: .updatedTime) ?? createdTime
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(computeName, forKey: .computeName)
        try container.encode(computeType, forKey: .computeType)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(authEnabled, forKey: .authEnabled)
        try container.encode(aadAuthEnabled, forKey: .aadAuthEnabled)
        var object = container.nestedContainer(keyedBy: VersionKey.self, forKey: .versions)
        for version in versions {
            try object.encode(version, forKey: VersionKey(stringValue: version.name))
        }
        try container.encodeIfPresent(scoringUri, forKey: .scoringUri)
        try container.encode(createdTime, forKey: .createdTime)
        try container.encode(updatedTime, forKey: .updatedTime)
    }
}

