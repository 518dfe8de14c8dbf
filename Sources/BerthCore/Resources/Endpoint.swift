import Foundation

/// A scoring URI in front of 1–6 versions with a traffic split (Azure's `AksEndpoint`, compute
/// type `AKSENDPOINT`). Endpoint-level fields are auth and description; everything about running
/// code lives in each version's deployment (`EndpointVersion.deploymentName`).
///
/// Berth lists `versions` as an array in creation order (the order decides the first default),
/// where Azure's payload has an object keyed by version name.
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
    /// The versions, in creation order, with their traffic and roles.
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
