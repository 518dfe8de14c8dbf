/// The dependency list of a conda environment specification (`channels`, and `dependencies` with
/// its nested `{"pip": [...]}` entry), as Azure's inline environments carry it in
/// `python.condaDependencies`. The environment builder installs from it and hashes it.
public struct PythonDependencies: Sendable, Hashable, Codable {
    /// Conda channels, in the order given.
    public var channels: [String]
    /// Conda packages (`python=3.8`, `numpy`, `pip`, …), in the order given.
    public var condaPackages: [String]
    /// Pip requirements from the `{"pip": [...]}` entries, in the order given.
    public var pipPackages: [String]

    public init(channels: [String] = [], condaPackages: [String] = [], pipPackages: [String] = []) {
        self.channels = channels
        self.condaPackages = condaPackages
        self.pipPackages = pipPackages
    }

    /// Extracts the lists from a conda specification object, skipping entries of other types
    /// (`InferenceConfig.parse` has already refused those).
    public init(condaDependencies: JSONValue) {
        self.init()
        channels = condaDependencies["channels"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for entry in condaDependencies["dependencies"]?.arrayValue ?? [] {
            if let package = entry.stringValue {
                condaPackages.append(package)
            } else if let pip = entry["pip"]?.arrayValue {
                pipPackages.append(contentsOf: pip.compactMap(\.stringValue))
            }
        }
    }

    /// Whether nothing is listed.
    public var isEmpty: Bool { channels.isEmpty && condaPackages.isEmpty && pipPackages.isEmpty }
}
