/// A model named on the command line or in a request: `name:version`, or `name` alone for the
/// latest version, as Azure's `--model` option and `modelIds` take them.
public struct ModelReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The model's name; follows `NameKind.model`.
    public var name: String
    /// A positive version, or `nil` for the latest.
    public var version: Int?

    public init(name: String, version: Int? = nil) {
        self.name = name
        self.version = version
    }

    /// Parses `name:version` or `name`, throwing `BerthError.invalidName` with what is wrong.
    public init(parsing text: String) throws(BerthError) {
        guard let colon = text.lastIndex(of: ":") else {
            try NameKind.model.validate(text)
            self.init(name: text)
            return
        }
        let name = String(text[..<colon])
        let versionText = String(text[text.index(after: colon)...])
        try NameKind.model.validate(name)
        guard versionText.allSatisfy({ ("0"..."9").contains($0) }), let version = Int(versionText), version > 0 else {
            throw BerthError.invalidName(
                "Model reference '\(text)' has an invalid version '\(versionText)': write 'name:version' with a "
                    + "positive whole version (e.g. '\(name):1'), or just '\(name)' for the latest version."
            )
        }
        self.init(name: name, version: version)
    }

    /// `name:version`, or `name` for the latest version.
    public var description: String {
        version.map { "\(name):\($0)" } ?? name
    }

    /// Decodes from the `name:version` string.
    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as the `name:version` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
