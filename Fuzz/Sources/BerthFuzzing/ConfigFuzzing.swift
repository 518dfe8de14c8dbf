import BerthCore
import Foundation

/// `fuzz-inference-config`, `fuzz-deployment-config`, `fuzz-json-value`: arbitrary bytes as the
/// files a user hands `berth model deploy` and as any JSON document Berth parses itself. Each
/// must be parsed or refused with an error, never crash; the JSON parser's canonical form must
/// read back as the same value and be stable (environments are hashed by it).
public enum ConfigFuzzing {
    public static func inferenceConfig(_ input: FuzzInput) {
        let data = Data(input.rest)
        guard let parsed = try? InferenceConfig.parse(data) else { return }
        _ = parsed.warnings.joined(separator: "\n")
    }

    /// Parsed twice: as a deploy reads it (the compute type required) and as an update does.
    public static func deploymentConfig(_ input: FuzzInput) {
        let data = Data(input.rest)
        for requiresComputeType in [true, false] {
            guard let parsed = try? DeploymentConfigFile.parse(data, requiresComputeType: requiresComputeType) else {
                continue
            }
            _ = parsed.value.resolved()
        }
    }

    public static func jsonValue(_ input: FuzzInput) {
        guard let value = try? JSONValue(parsing: Data(input.rest)) else { return }
        let canonical = value.canonicalData
        guard let again = try? JSONValue(parsing: canonical) else {
            fatalError("the canonical form does not parse: \(value.canonicalJSON)")
        }
        expect(again == value, "the canonical form reads back as another value: \(value.canonicalJSON)")
        expect(again.canonicalData == canonical, "the canonical form is not stable")
    }
}
