import BerthCore
import Foundation

/// Model data collection (`dataCollection.storageEnabled`, Azure's `collect_model_data`): the
/// variables that turn on `azureml.monitoring.ModelDataCollector` in the scoring processes and
/// say where its CSV files go (compat.md §8; the Python side is Berth's stand-in in
/// `python/berth_worker/_shims/azureml/monitoring`).
enum ModelDataCollection {
    /// Where collected rows go on this machine: `$BERTH_HOME/modeldata/<workspace>/<service>/…`.
    static func folder(deploymentsRoot: URL) -> URL {
        deploymentsRoot.deletingLastPathComponent().appendingPathComponent("modeldata", isDirectory: true)
    }

    /// Inside a Kubernetes Pod: the writable `/tmp` volume.
    /// UNFINISHED: the rows live as long as the Pod; a volume that outlives it (or an upload to
    /// the control plane) is still to come.
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
