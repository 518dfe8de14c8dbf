import BerthBackends
import BerthCore
import Foundation

/// What the manifests of one deployment are generated from: the backend's `DeploymentSpec` (which
/// carries the resources, limits and GPUs) plus what only Kubernetes needs (the resolved namespace,
/// the image, where Pods fetch their files from).
public struct ReplicaWorkload: Sendable, Hashable {
    /// One file a Pod downloads from the control plane's artifact API before the replica starts.
    public struct FetchedFile: Sendable, Hashable {
        /// Path under the folder it lands in (`/`-separated, relative, no `..`).
        public var path: String
        /// `sha256:<hex>`: the artifact's address and the checksum the init container verifies.
        public var digest: String

        public init(path: String, digest: String) {
            self.path = path
            self.digest = digest
        }
    }

    /// How the Pod gets its Python environment.
    public enum EnvironmentSource: Sendable, Hashable {
        /// The registry has an image tagged with the environment's hash: run it as is.
        case prebuiltImage(String)
        /// No such image: the runtime image builds a venv at start into a cache volume keyed by
        /// the hash (`pip install` of these requirement lines), refusing to when its `python3` is
        /// not the pinned `major.minor` (`pythonVersion`, when the environment pins one).
        case buildAtStart(hash: String, requirements: [String], pythonVersion: String? = nil)
    }

    public var spec: DeploymentSpec
    /// The Kubernetes namespace: `spec.namespace` (the deployment config's), else the attachment's.
    public var namespace: String
    /// The Berth runtime image (`deploy/Dockerfile`), used for init containers and when the
    /// environment is built at start.
    public var runtimeImage: String
    public var environmentSource: EnvironmentSource
    /// The model files, laid out as `AZUREML_MODEL_DIR` expects.
    public var modelFiles: [FetchedFile]
    /// The source snapshot's files.
    public var sourceFiles: [FetchedFile]
    /// The control plane's URL as Pods reach it (for the artifact API).
    public var controlPlaneURL: String
    /// The token Pods present to the artifact API (stored in the deployment's Secret).
    public var artifactToken: String
    /// The PEM of the CA the control plane's certificate comes from, when Pods reach it over
    /// https (stored in the deployment's Secret); nil otherwise.
    public var controlPlaneCAPEM: String? = nil
    /// The secret the router presents to the replicas (`ReplicaAuthentication`), stored in the
    /// deployment's Secret and given to the `replica` container as `BERTH_REPLICA_SECRET`.
    public var replicaSecret: String
    /// The `.dockerconfigjson` Pods pull images with (`RegistrySettings.dockerConfigJSON`), or nil
    /// when the images need no credentials.
    public var registryConfigJSON: String? = nil
    /// The artifact (`sha256:<hex>`) holding `fileList`, which the init container fetches and
    /// reads instead of naming every file in its arguments; nil: the files are named inline.
    public var fileListDigest: String? = nil
    /// The PersistentVolumeClaim (in the deployment's namespace) that holds the venvs Pods build,
    /// so every Pod mounting it builds an environment once; nil for an `emptyDir` per Pod
    /// (`$BERTH_KUBERNETES_ENV_CACHE_CLAIM`).
    public var environmentCacheClaim: String? = nil
    /// Where the environment comes from, in words (`ReplicaEnvironmentChoice.summary`): the Pod
    /// template's `berth.dev/environment` annotation.
    public var environmentSummary: String? = nil
    /// The `OTEL_*` variables of the control plane when it exports traces
    /// (`TraceExportEnvironment.passedOn`): the replica container gets them, so its spans reach
    /// the same collector. Empty: the Pods export none.
    public var traceEnvironment: [String: String] = [:]
    /// Whether the cluster's API server takes the `sleep` preStop action (Kubernetes 1.30+, where
    /// it is on by default); else the preStop runs the image's `sleep` (`PodLifecycle`). The
    /// backend sets it from `GET /version`.
    public var supportsSleepAction = true

    public init(
        spec: DeploymentSpec, namespace: String, runtimeImage: String, environmentSource: EnvironmentSource,
        modelFiles: [FetchedFile], sourceFiles: [FetchedFile],
        controlPlaneURL: String, artifactToken: String, replicaSecret: String
    ) {
        self.spec = spec
        self.namespace = namespace
        self.runtimeImage = runtimeImage
        self.environmentSource = environmentSource
        self.modelFiles = modelFiles
        self.sourceFiles = sourceFiles
        self.controlPlaneURL = controlPlaneURL
        self.artifactToken = artifactToken
        self.replicaSecret = replicaSecret
    }
}

extension ReplicaWorkload {
    /// The list of every file the init container fetches (models, then source), as the artifact
    /// `fileListDigest` must hold; nil when a path cannot be written in it.
    public static func fileList(modelFiles: [FetchedFile], sourceFiles: [FetchedFile]) -> String? {
        FetchScript.fileList(modelFiles: modelFiles, sourceFiles: sourceFiles)
    }

    /// Every file with the folder it lands in.
    var fetchedFiles: [(folder: String, file: FetchedFile)] {
        modelFiles.map { (folder: ReplicaManifests.modelDirectory, file: $0) }
            + sourceFiles.map { (folder: ReplicaManifests.sourceDirectory, file: $0) }
    }
}
