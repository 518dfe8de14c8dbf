/// Azure's `InferenceConfig` rules (compat.md §3.2) in Berth's wording, keeping Azure's sentences.
struct InferenceConfigValidator {
    let config: InferenceConfig
    let diagnostics: ConfigDiagnostics

    /// Runtimes Berth runs; `python-slim` is Azure's undocumented variant and runs the same way.
    static let runtimes: Set<String> = ["python", "python-slim"]
    /// Azure's supported CUDA versions.
    static let cudaVersions = ["9.0", "9.1", "10.0"]

    func validate(checkEntryScript: Bool) {
        if checkEntryScript { validateEntryScript() }
        if let runtime = config.runtime, !Self.runtimes.contains(runtime.lowercased()) {
            diagnostics.error(
                "runtime '\(runtime)': Provided runtime not supported. Possible runtimes are: python"
                    + (runtime.lowercased() == "spark-py" ? " (Berth does not run Spark)." : ".")
            )
        }
        if let cuda = config.cudaVersion, !Self.cudaVersions.contains(cuda) {
            diagnostics.error(
                "cudaVersion '\(cuda)': Provided cuda_version not supported. Possible cuda_versions are: "
                    + Self.cudaVersions.joined(separator: "|") + "."
            )
        }
        if let environment = config.environment { validateEnvironment(environment) }
    }

    private func validateEntryScript() {
        let script = config.entryScript
        guard !script.isEmpty else {
            diagnostics.error("entryScript is empty; set it to the scoring script's path, e.g. \"score.py\".")
            return
        }
        guard script.hasSuffix(".py") else {
            diagnostics.error(
                "entryScript '\(script)': Invalid driver type. Currently only Python drivers are supported; "
                    + "the entry script must be a .py file."
            )
            return
        }
        let module = config.entryModuleName
        if !PythonIdentifier.isValidModuleName(module) {
            diagnostics.error(
                "Error, invalid name \"\(module)\" for provided entry script. The script must be importable as a "
                    + "valid python module: its file name must be a Python identifier (letters, digits and '_', "
                    + "not starting with a digit) and not a keyword, e.g. \"score.py\"."
            )
        }
    }

    private func validateEnvironment(_ environment: JSONValue) {
        guard environment.objectValue != nil else {
            diagnostics.error("environment must be an object, got \(environment.messageDescription).")
            return
        }
        let texts: [(String, String?)] = [
            ("runtime", config.runtime), ("condaFile", config.condaFile),
            ("extraDockerfileSteps", config.extraDockerfileSteps), ("cudaVersion", config.cudaVersion),
            ("baseImage", config.baseImage),
        ]
        var conflicting = texts.filter { !($0.1 ?? "").isEmpty }.map { "'\($0.0)'" }
        if config.enableGpu == true { conflicting.append("'enableGpu'") }
        if !conflicting.isEmpty {
            diagnostics.error(
                "Error, unable to provide runtime, conda_file, extra_docker_file_steps, enable_gpu, cuda_version, "
                    + "or base_image along with an environment object. Remove \(conflicting.joined(separator: ", ")) "
                    + "or move those settings into 'environment'."
            )
        }
        if let docker = environment["docker"], isSet(docker["baseImage"]), isSet(docker["baseDockerfile"]) {
            diagnostics.error(
                "environment.docker sets both baseImage and baseDockerfile; give only one of them."
            )
        }
        validateCondaDependencies(environment["python"]?["condaDependencies"])
        validateEnvironmentVariables(environment["environmentVariables"])
    }

    private func validateEnvironmentVariables(_ variables: JSONValue?) {
        guard let variables, !variables.isNull else { return }
        let path = "environment.environmentVariables"
        guard let members = variables.objectValue else {
            diagnostics.error(
                "\(path) must be an object of names to values, e.g. {\"MODEL_THREADS\": \"4\"}; got \(variables.messageDescription).")
            return
        }
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            if name.isEmpty || name.first!.isNumber
                || !name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            {
                diagnostics.error(
                    "\(path) has the name '\(name)'; a variable name is ASCII letters, digits and '_', not starting with a digit.")
            } else if InferenceConfig.reservedEnvironmentVariables.contains(name) {
                diagnostics.error("\(path).\(name) is set by Berth for every scoring process; remove it.")
            }
            switch value {
            case .string, .number, .bool: break
            default:
                diagnostics.error(
                    "\(path).\(name) must be a string (or a number or boolean), got \(value.messageDescription).")
            }
        }
    }

    private func validateCondaDependencies(_ conda: JSONValue?) {
        guard let conda, !conda.isNull else { return }
        let path = "environment.python.condaDependencies"
        guard conda.objectValue != nil else {
            diagnostics.error("\(path) must be an object, got \(conda.messageDescription).")
            return
        }
        for key in ["channels", "dependencies"] {
            guard let list = conda[key], !list.isNull else { continue }
            guard let elements = list.arrayValue else {
                diagnostics.error("\(path).\(key) must be an array, got \(list.messageDescription).")
                continue
            }
            for (index, element) in elements.enumerated() where !isValidEntry(element, allowPip: key == "dependencies") {
                diagnostics.error(
                    "\(path).\(key)[\(index)] must be a package string"
                        + (key == "dependencies" ? " or {\"pip\": [...]}" : "")
                        + ", got \(element.messageDescription)."
                )
            }
        }
    }

    private func isValidEntry(_ element: JSONValue, allowPip: Bool) -> Bool {
        if element.stringValue != nil { return true }
        guard allowPip, let pip = element["pip"]?.arrayValue else { return false }
        return pip.allSatisfy { $0.stringValue != nil }
    }

    private func isSet(_ value: JSONValue?) -> Bool {
        guard let value, !value.isNull else { return false }
        return value.stringValue.map { !$0.isEmpty } ?? true
    }
}
