/// An `inferenceconfig.json`: how to run a model — the entry script, the folder it lives in and the
/// Python environment it needs. Field names and rules are Azure's (compat.md §3); it encodes with the
/// same camelCase keys so it round-trips through Berth's store unchanged.
///
/// Read user files with `parse(_:fileName:)`, which checks types and Azure's rules and accepts
/// both spellings of `extraDockerfileSteps`.
public struct InferenceConfig: Sendable, Codable, Hashable {
    /// The scoring script, relative to `sourceDirectory` when one is set; a `.py` file whose name
    /// is importable as a Python module. Required.
    public var entryScript: String
    /// The folder snapshotted and shipped to replicas; relative paths are relative to the config file.
    public var sourceDirectory: String?
    /// `python` (Azure also had `spark-py`, which Berth refuses, and an undocumented `python-slim`,
    /// which Berth treats as `python`). Deprecated by Azure in favour of `environment`.
    public var runtime: String?
    /// A conda environment file (`environment.yml`) with the script's dependencies.
    public var condaFile: String?
    /// A file of extra Dockerfile steps, used when Berth builds an image for Kubernetes.
    public var extraDockerfileSteps: String?
    /// The base image for Kubernetes replicas.
    public var baseImage: String?
    /// The registry of `baseImage`: an address string or Azure's `ContainerRegistry` object.
    public var baseImageRegistry: JSONValue?
    /// CUDA version for GPU images: `9.0`, `9.1` or `10.0`.
    public var cudaVersion: String?
    /// Whether the image needs GPU support.
    public var enableGpu: Bool?
    /// An inline Azure `Environment` (`python.condaDependencies`, `docker`, `environmentVariables`, …),
    /// kept as written; it excludes `runtime`, `condaFile`, `extraDockerfileSteps`, `enableGpu`,
    /// `cudaVersion` and `baseImage`.
    public var environment: JSONValue?

    public init(
        entryScript: String,
        sourceDirectory: String? = nil,
        runtime: String? = nil,
        condaFile: String? = nil,
        extraDockerfileSteps: String? = nil,
        baseImage: String? = nil,
        baseImageRegistry: JSONValue? = nil,
        cudaVersion: String? = nil,
        enableGpu: Bool? = nil,
        environment: JSONValue? = nil
    ) {
        self.entryScript = entryScript
        self.sourceDirectory = sourceDirectory
        self.runtime = runtime
        self.condaFile = condaFile
        self.extraDockerfileSteps = extraDockerfileSteps
        self.baseImage = baseImage
        self.baseImageRegistry = baseImageRegistry
        self.cudaVersion = cudaVersion
        self.enableGpu = enableGpu
        self.environment = environment
    }

    /// The module name the replica imports: the entry script's file name without `.py`.
    public var entryModuleName: String {
        let fileName = entryScript.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return fileName.hasSuffix(".py") ? String(fileName.dropLast(3)) : fileName
    }

    /// The dependencies listed inline in `environment.python.condaDependencies`, or `nil` when
    /// there is no inline environment or it lists none.
    public var inlineDependencies: PythonDependencies? {
        environment?["python"]?["condaDependencies"].map(PythonDependencies.init(condaDependencies:))
    }

    /// Whether the inline environment says the user manages the Python environment
    /// (`python.userManagedDependencies`), so Berth must not build one.
    public var usesUserManagedDependencies: Bool {
        environment?["python"]?["userManagedDependencies"]?.boolValue ?? false
    }

    /// The variables the inline environment sets for the scoring process
    /// (`environment.environmentVariables`, Azure's `Environment.environment_variables`): the
    /// entry script reads them with `os.environ`. Numbers and booleans are written as JSON writes
    /// them; the validator refuses other kinds, bad names and the names Berth itself sets.
    public var environmentVariables: [String: String] {
        guard let members = environment?["environmentVariables"]?.objectValue else { return [:] }
        return members.compactMapValues { value in
            switch value {
            case .string(let text): text
            case .number(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
            case .bool(let flag): flag ? "true" : "false"
            default: nil
            }
        }
    }

    /// Variables Berth sets for every scoring process; an inference config cannot change them.
    public static let reservedEnvironmentVariables: Set<String> = [
        "AZUREML_MODEL_DIR", "AZUREML_ENTRY_SCRIPT", "AML_APP_ROOT", "PYTHONPATH", "SERVICE_NAME", "SERVICE_VERSION",
        "SERVICE_PATH_PREFIX",
    ]
}
