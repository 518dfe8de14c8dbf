/// One version behind an endpoint, as far as the traffic rules see it: its name, its share, and
/// its roles (default: gets the unassigned traffic; control or treatment).
///
/// Each version is also a deployment of its own (models, inference config, replicas); that part
/// lives with the deployment records, this part is what the rules and the router need.
public struct EndpointVersion: Sendable, Hashable, Codable {
    /// The version name (service-name rule), as in `/api/v1/endpoint/<endpoint>/<version>/score`.
    public var name: String
    /// The share of traffic asked for, 0–100 (`trafficPercentile`). The default version's own
    /// percentile counts towards the ≤ 100 sum but it gets the remainder instead.
    public var trafficPercentile: Double
    /// Whether this version gets the traffic no other version asked for (`isDefault`).
    public var isDefault: Bool
    /// `Control` or `Treatment` (`type`); at most one version of an endpoint is `Control`.
    public var type: DeploymentConfig.VersionType
    /// What the version is (Azure's `create_version(description=…)`, `-d`); nil for none.
    public var description: String? = nil
    /// Azure's `tags` of a version (`kvTags` in its service-like payload); nil for none.
    public var kvTags: [String: String]? = nil
    /// Azure's `properties` of a version: added, never removed; nil for none.
    public var properties: [String: String]? = nil

    public init(
        name: String, trafficPercentile: Double = 0, isDefault: Bool = false,
        type: DeploymentConfig.VersionType = .treatment
    ) {
        self.name = name
        self.trafficPercentile = trafficPercentile
        self.isDefault = isDefault
        self.type = type
    }

    /// The name of the deployment that runs this version's replicas: `<endpoint>--<version>`.
    ///
    /// A version's replicas are a deployment like a service's, so the deploy machinery, the
    /// backend and the router's admission serve them unchanged; the double dash keeps the name
    /// readable in logs and process lists and cannot end a service name, so it is easy to spot.
    public static func deploymentName(endpoint: String, version: String) -> String {
        "\(endpoint)--\(version)"
    }
}
