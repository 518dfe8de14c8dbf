import BerthCore
import BerthStore
import Foundation

/// The files a deployment's replicas run from, under `$BERTH_HOME/deployments/<service>/<revision>/`:
/// `source/` (an immutable copy of the user's source folder) and `models/<name>/<version>/`.
///
/// Everything a replica needs is copied here at deploy, so replicas never read the user's live
/// folder and a restarted server can start them again from the same bytes.
struct DeploymentFiles: Sendable {
    let root: URL
    let artifacts: any ArtifactStore

    /// `$BERTH_HOME/deployments`.
    init(workspace: WorkspaceLayout, artifacts: any ArtifactStore) {
        self.root = workspace.root.appendingPathComponent("deployments", isDirectory: true)
        self.artifacts = artifacts
    }

    func folder(service: String, revision: String) -> URL {
        root.appendingPathComponent(service).appendingPathComponent(revision)
    }

    /// Where the entry script's folder is, and the entry script relative to it.
    static func sourceLocation(of config: InferenceConfig, baseDirectory: URL) -> (directory: URL, entryScript: String)
    {
        if let source = config.sourceDirectory, !source.isEmpty {
            let directory =
                source.hasPrefix("/")
                ? URL(fileURLWithPath: source) : baseDirectory.appendingPathComponent(source)
            return (directory.standardizedFileURL, config.entryScript)
        }
        let script =
            config.entryScript.hasPrefix("/")
            ? URL(fileURLWithPath: config.entryScript) : baseDirectory.appendingPathComponent(config.entryScript)
        return (script.deletingLastPathComponent().standardizedFileURL, script.lastPathComponent)
    }

    /// Checks that the source folder and the entry script exist, naming the config field.
    static func checkSources(of config: InferenceConfig, baseDirectory: URL) throws {
        let (directory, entryScript) = sourceLocation(of: config, baseDirectory: baseDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw BerthError.invalidConfiguration(
                "inferenceconfig.json: sourceDirectory '\(directory.path)' is not a folder; fix \"sourceDirectory\".")
        }
        let script = directory.appendingPathComponent(entryScript)
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw BerthError.invalidConfiguration(
                "inferenceconfig.json: entryScript '\(entryScript)' was not found in '\(directory.path)'; fix \"entryScript\"."
            )
        }
    }

    /// Lays the models out under `folder/models/<name>/<version>/` and returns `AZUREML_MODEL_DIR`:
    /// that model's own folder when there is one model, else `folder/models`.
    func materializeModels(_ models: [Model], in folder: URL) throws -> URL {
        let modelsRoot = folder.appendingPathComponent("models", isDirectory: true)
        for model in models {
            let target = modelsRoot.appendingPathComponent(model.name).appendingPathComponent(String(model.version))
            try artifacts.materialize(model.files, into: target)
        }
        return modelDirectory(for: models.map(\.id), in: folder)
    }

    /// `AZUREML_MODEL_DIR` for models laid out by `materializeModels`.
    func modelDirectory(for modelIDs: [String], in folder: URL) -> URL {
        let modelsRoot = folder.appendingPathComponent("models", isDirectory: true)
        guard modelIDs.count == 1, let id = modelIDs.first, let colon = id.lastIndex(of: ":") else { return modelsRoot }
        return modelsRoot.appendingPathComponent(String(id[..<colon])).appendingPathComponent(
            String(id[id.index(after: colon)...]))
    }

    /// Removes every revision of a deleted service.
    func removeAll(service: String) {
        try? FileManager.default.removeItem(at: root.appendingPathComponent(service))
    }

    /// Removes the revisions of `service` other than `keep`.
    func removeOtherRevisions(service: String, keep: Set<String>) {
        let folder = root.appendingPathComponent(service)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where !keep.contains(entry) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(entry))
        }
    }
}
