import BerthCore
import BerthStore
import Foundation

/// Turns the SDK's service-create payload into the same `DeployRequest` that `berth model deploy`
/// sends, so one `Deployer` serves both dialects.
///
/// - The uploaded entry script (or the `source_directory` tarball) is laid out in a folder of its
///   own under `$BERTH_HOME/sdk/sources/`, which becomes the request's base directory.
/// - The SDK's driver wrapper is set aside: Berth runs the script `AZUREML_ENTRY_SCRIPT` names
///   directly, as Azure's current inference images do, so schema decorators and `@rawhttp`
///   behave as with `berth model deploy`.
/// - The deployment settings keep Azure's names (`deploymentconfig.json`'s), so their validation
///   names the field exactly as for the file.
/// - What cannot apply on Berth (a base image, a Python version this machine lacks, pip index
///   options) is set aside with a note in the operation log.
struct AzureDeployTranslation: Sendable {
    let workspace: WorkspaceLayout
    let artifacts: any ArtifactStore
    let blobs: any UploadedBlobs
    /// Whether `python3.X` can be found, for the conda `python=X` pin (injected for tests).
    var hasPython: @Sendable (String) async -> Bool = AzureDeployTranslation.interpreterOnPath

    struct Result: Sendable {
        var request: DeployRequest
        var notes: [String]
    }

    /// The deploy request for `payload`, after laying out its sources.
    func deployRequest(_ payload: JSONValue, overwrite: Bool) async throws -> Result {
        guard let name = payload["name"]?.stringValue else {
            throw BerthError.badRequest("The service payload has no 'name'; give Model.deploy a name.")
        }
        guard let compute = payload["computeName"]?.stringValue else {
            throw BerthError.badRequest(
                "AKS deployments need a deployment_target: pass Model.deploy(..., deployment_target=ComputeTarget(ws, '<name>'))."
            )
        }
        guard let image = payload["environmentImageRequest"], image.objectValue != nil else {
            throw BerthError.badRequest(
                "The service payload has no environmentImageRequest; deploy with an InferenceConfig (entry_script and environment)."
            )
        }
        let sources = try await sources(of: image)
        let models = (image["modelIds"]?.arrayValue ?? []).compactMap(\.stringValue)
        let request = DeployRequest(
            name: name, computeName: compute, models: models, inferenceConfig: sources.inferenceConfig.canonicalJSON,
            deploymentConfig: Self.deploymentConfig(payload).canonicalJSON, baseDirectory: sources.folder.path,
            overwrite: overwrite || payload["overwrite"]?.boolValue == true)
        var result = Result(request: request, notes: sources.notes)
        result.request.description = payload["description"]?.stringValue
        result.request.kvTags = payload["kvTags"].flatMap(Self.strings)
        result.request.properties = payload["properties"].flatMap(Self.strings)
        return result
    }

    /// An `environmentImageRequest`'s sources laid out in a folder of their own, and the
    /// inference config that runs them.
    struct Sources: Sendable {
        var folder: URL
        var inferenceConfig: JSONValue
        var notes: [String]
    }

    func sources(of image: JSONValue) async throws -> Sources {
        var notes: [String] = []
        let folder = workspace.sdk.appendingPathComponent("sources", isDirectory: true)
            .appendingPathComponent(UUID().uuidString.lowercased(), isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let driver = image["driverProgram"]?.stringValue
        for asset in image["assets"]?.arrayValue ?? [] {
            guard let url = asset["url"]?.stringValue, let id = asset["id"]?.stringValue else { continue }
            if id == driver {
                notes.append(
                    "The SDK's driver wrapper '\(id)' is set aside: Berth runs the entry script that "
                        + "AZUREML_ENTRY_SCRIPT names directly, as Azure's current images do.")
                continue
            }
            try await layOut(url: url, unpack: asset["unpack"]?.boolValue ?? false, into: folder)
        }
        let inference = try await inferenceConfig(image["environment"] ?? [:], notes: &notes)
        return Sources(folder: folder, inferenceConfig: inference, notes: notes)
    }

    /// Copies an uploaded script, or unpacks an uploaded source tarball, into `folder`.
    private func layOut(url: String, unpack: Bool, into folder: URL) async throws {
        guard url.hasPrefix("aml://artifact/") else {
            throw BerthError.badRequest("The asset '\(url)' is not an uploaded artifact of this workspace.")
        }
        let prefix = String(url.dropFirst("aml://artifact/".count))
        let files = try await blobs.artifactFiles(container: UploadedBlob.container, prefix: prefix)
        guard unpack else { return try artifacts.materialize(files, into: folder) }
        let staging = folder.appendingPathComponent(".upload", isDirectory: true)
        try artifacts.materialize(files, into: staging)
        defer { try? FileManager.default.removeItem(at: staging) }
        for file in files {
            let outcome = try await ChildProcess.run(
                "/usr/bin/env",
                [
                    "tar", "-xzf", staging.appendingPathComponent(file.path).path, "-C", folder.path,
                    "--no-same-owner", "--no-same-permissions",
                ],
                environment: ProcessInfo.processInfo.environment, logFile: nil, onLine: { _ in })
            guard outcome.isSuccess else {
                throw BerthError.badRequest(
                    "The source_directory archive '\(file.path)' could not be unpacked: \(outcome.tail.suffix(3).joined(separator: " "))"
                )
            }
        }
    }

    /// The inference config: the entry script and source folder from the SDK's environment
    /// variables, and the inline environment without what only Azure's images use.
    private func inferenceConfig(_ environment: JSONValue, notes: inout [String]) async throws -> JSONValue {
        var environment = environment.objectValue ?? [:]
        var variables = environment["environmentVariables"]?.objectValue ?? [:]
        guard let entry = variables.removeValue(forKey: "AZUREML_ENTRY_SCRIPT")?.stringValue else {
            throw BerthError.badRequest(
                "The environment has no AZUREML_ENTRY_SCRIPT; give the InferenceConfig an entry_script.")
        }
        let sourceFolder = variables.removeValue(forKey: "AZUREML_SOURCE_DIRECTORY")?.stringValue
        environment["environmentVariables"] = .object(variables)
        if let image = environment["docker"]?["baseImage"]?.stringValue {
            notes.append(
                "environment.docker.baseImage '\(image)' is set aside: Berth runs replicas as processes with "
                    + "the Python environment built from the conda/pip dependencies.")
        }
        environment["docker"] = nil
        if var python = environment["python"]?.objectValue,
            let conda = python["condaDependencies"]?.objectValue
        {
            python["condaDependencies"] = .object(await filtered(conda, notes: &notes))
            environment["python"] = .object(python)
        }
        var config: [String: JSONValue] = ["environment": .object(environment)]
        if let sourceFolder, !sourceFolder.isEmpty, entry.hasPrefix(sourceFolder + "/") {
            config["sourceDirectory"] = .string(sourceFolder)
            config["entryScript"] = .string(String(entry.dropFirst(sourceFolder.count + 1)))
        } else {
            config["entryScript"] = .string(entry)
        }
        return .object(config)
    }

    /// Conda dependencies without pip index options and without a Python pin this machine
    /// cannot honour, each said in a note.
    private func filtered(_ conda: [String: JSONValue], notes: inout [String]) async -> [String: JSONValue] {
        var conda = conda
        var dependencies: [JSONValue] = []
        for dependency in conda["dependencies"]?.arrayValue ?? [] {
            if let text = dependency.stringValue, text.hasPrefix("python"), !text.hasPrefix("python-"),
                let version = Self.pinnedMinor(text), await !hasPython(version)
            {
                notes.append(
                    "The conda dependency '\(text)' is set aside: this server has no python\(version); the "
                        + "deployment uses the server's Python 3.")
                continue
            }
            if var pip = dependency["pip"]?.arrayValue {
                pip.removeAll { entry in
                    guard let text = entry.stringValue, text.hasPrefix("-") else { return false }
                    notes.append(
                        "The pip option '\(text)' is set aside: Berth installs from the index pip is configured with.")
                    return true
                }
                dependencies.append(["pip": .array(pip)])
                continue
            }
            dependencies.append(dependency)
        }
        conda["dependencies"] = .array(dependencies)
        return conda
    }

    /// The deployment settings under `deploymentconfig.json`'s names, nulls dropped;
    /// `computeType` is `aks` for a service, `aksendpoint` for an endpoint version.
    static func deploymentConfig(_ payload: JSONValue, computeType: String = "aks") -> JSONValue {
        var config: [String: JSONValue] = ["computeType": .string(computeType)]
        let copied = [
            "containerResourceRequirements", "autoScaler", "numReplicas", "authEnabled", "scoringTimeoutMs",
            "maxConcurrentRequestsPerContainer", "maxQueueWaitMs", "livenessProbeRequirements", "namespace",
            "appInsightsEnabled", "dataCollection", "keys",
        ]
        for key in copied { if let value = payload[key] { config[key] = value } }
        if let token = payload["aadAuthEnabled"] { config["tokenAuthEnabled"] = token }
        if var resources = config["containerResourceRequirements"]?.objectValue {
            if let gpu = resources.removeValue(forKey: "gpu") { config["gpuCores"] = gpu }
            config["containerResourceRequirements"] = .object(resources)
        }
        return withoutNulls(.object(config))
    }

    private static func withoutNulls(_ value: JSONValue) -> JSONValue {
        guard let members = value.objectValue else { return value }
        var kept: [String: JSONValue] = [:]
        for (key, member) in members where !member.isNull {
            let cleaned = withoutNulls(member)
            if cleaned.objectValue?.isEmpty == true { continue }
            kept[key] = cleaned
        }
        return .object(kept)
    }

    private static func strings(_ value: JSONValue) -> [String: String]? {
        value.objectValue?.compactMapValues(\.stringValue)
    }

    /// `3.8` from `python=3.8` or `python=3.10.18`; nil without a pinned minor version.
    static func pinnedMinor(_ text: String) -> String? {
        let version = text.drop { !$0.isNumber }
        let parts = version.split(separator: ".")
        guard text.contains("="), parts.count >= 2, parts.prefix(2).allSatisfy({ Int($0) != nil }) else { return nil }
        return "\(parts[0]).\(parts[1])"
    }

    /// Whether `python<version>` on `PATH` runs and is that version (a pyenv shim for a version
    /// that is not installed fails to run).
    static func interpreterOnPath(_ version: String) async -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard
            let executable = path.split(separator: ":").map({ "\($0)/python\(version)" }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else { return false }
        let outcome = try? await ChildProcess.run(
            executable, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            environment: ProcessInfo.processInfo.environment, logFile: nil, onLine: { _ in })
        return outcome?.isSuccess == true && outcome?.tail.last?.trimmingWhitespace() == version
    }
}
