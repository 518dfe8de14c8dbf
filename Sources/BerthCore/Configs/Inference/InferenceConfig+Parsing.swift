import Foundation

extension InferenceConfig {
    /// Reads and validates an `inferenceconfig.json`.
    ///
    /// All problems are reported at once in one `BerthError.invalidConfiguration`, one line each,
    /// naming `fileName` and the field. Unknown fields give warnings. Existence of the entry script
    /// and the files named is not checked here (no I/O); the caller does that.
    public static func parse(
        _ data: Data,
        fileName: String = "inferenceconfig.json"
    ) throws(BerthError) -> Parsed<InferenceConfig> {
        let diagnostics = ConfigDiagnostics(fileName: fileName)
        let members = try diagnostics.parseRootObject(data, flag: "--inference-config-file")
        let root = ConfigObjectReader(path: "", members: members, diagnostics: diagnostics)
        let entryScript = root.string("entryScript")
        var config = InferenceConfig(
            entryScript: entryScript ?? "",
            sourceDirectory: root.string("sourceDirectory"),
            runtime: root.string("runtime"),
            condaFile: root.string("condaFile"),
            extraDockerfileSteps: root.either("extraDockerfileSteps", "extraDockerFileSteps", root.string),
            baseImage: root.string("baseImage"),
            baseImageRegistry: readRegistry(root),
            cudaVersion: readCudaVersion(root),
            enableGpu: root.bool("enableGpu"),
            environment: root.value("environment")
        )
        root.finish(hints: ["description": "the description comes from the --description option, not from the file"])
        if entryScript == nil, !root.contains("entryScript") {
            diagnostics.error(
                "Error, need to specify entry_script. Set \"entryScript\" to the scoring script's path, "
                    + "e.g. \"score.py\"."
            )
        }
        config.runtime = config.runtime?.lowercased()
        InferenceConfigValidator(config: config, diagnostics: diagnostics).validate(checkEntryScript: entryScript != nil)
        try diagnostics.throwIfErrors()
        return Parsed(value: config, warnings: diagnostics.warnings)
    }

    /// Re-checks a config built in code or read from storage with the same rules as `parse`.
    public func validate(fileName: String = "inferenceconfig.json") throws(BerthError) {
        let diagnostics = ConfigDiagnostics(fileName: fileName)
        InferenceConfigValidator(config: self, diagnostics: diagnostics).validate(checkEntryScript: true)
        try diagnostics.throwIfErrors()
    }

    /// `cudaVersion` may be written as a string (`"10.0"`) or a number (`10.0`); both read as text.
    private static func readCudaVersion(_ root: ConfigObjectReader) -> String? {
        guard let value = root.value("cudaVersion") else { return nil }
        switch value {
        case .string(let text): return text
        case .number(let number): return number == number.rounded() ? String(format: "%.1f", number) : "\(number)"
        default:
            root.diagnostics.error("cudaVersion must be a string such as \"10.0\", got \(value.messageDescription).")
            return nil
        }
    }

    private static func readRegistry(_ root: ConfigObjectReader) -> JSONValue? {
        guard let value = root.value("baseImageRegistry") else { return nil }
        switch value {
        case .string, .object: return value
        default:
            root.diagnostics.error(
                "baseImageRegistry must be a registry address or an object, got \(value.messageDescription)."
            )
            return nil
        }
    }
}
