/// The `computeType` of a deployment config. Berth deploys Azure's AKS-style configs: a plain web
/// service (`aks`) or a version behind an endpoint (`aksendpoint`). Files name it in any case; the
/// REST payloads use Azure's upper-case spelling, which is the raw value.
public enum ComputeType: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    /// A web service (`AksWebservice`).
    case aks = "AKS"
    /// A version behind an endpoint with a traffic split (`AksEndpoint`).
    case aksEndpoint = "AKSENDPOINT"

    /// Reads a file's `computeType` in any case (`aks`, `AKS`, `AksEndpoint`, …).
    public init?(caseInsensitive text: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() })
        else { return nil }
        self = match
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(caseInsensitive: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown deployment type: \(text)")
            )
        }
        self = value
    }

    /// The spelling files use in Azure's docs: `aks` or `aksendpoint`.
    public var description: String { rawValue.lowercased() }
}
