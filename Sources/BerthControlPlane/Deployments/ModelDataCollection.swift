import BerthCore
import Foundation

/// Model data collection (`dataCollection.storageEnabled`, Azure's `collect_model_data`): the
/// variables that turn on `azureml.monitoring.ModelDataCollector` in the scoring processes and
/// say where its CSV files go (compat.md §8; the Python side is Berth's stand-in in
/// `python/berth_worker/_shims/azureml/monitoring`).
enum ModelDataCollection {
    /// Where collected rows go on this machine: `$BERTH_HOME/modeldata/<workspace>/<service>/…`.
    static func folder(deploymentsRoot: URL) -> URL {
        WorkspaceLayout(root: deploymentsRoot.deletingLastPathComponent()).modelData
    }

    /// Inside a Kubernetes Pod: the writable `/tmp` volume. The replica sends the rows to the
    /// control plane (`ModelDataShipper`), which keeps them in the workspace's folder above, and
    /// removes each file from the Pod once its period is over and it is sent whole.
    static let podFolder = "/tmp/modeldata"

    /// The variables a replica gets when `config` collects model data (none otherwise).
    static func environment(for config: DeploymentConfig, computeKind: ComputeTargetKind, deploymentsRoot: URL)
        -> [String: String]
    {
        guard config.dataCollection.storageEnabled else { return [:] }
        let folder = computeKind == .kubernetes ? podFolder : Self.folder(deploymentsRoot: deploymentsRoot).path
        return ["AML_MODEL_DC_STORAGE_ENABLED": "true", "BERTH_MODEL_DATA_DIR": folder]
    }
}
