import BerthAuth
import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthStore
import Foundation
import Logging
import Synchronization

/// The workspace's attached Kubernetes clusters: their saved kubeconfigs (mode 0600, under
/// `<workspace>/kubernetes/`) and a `KubernetesBackend` per cluster, made on first use, whose
/// status comes from a `ReplicaWatcher` that `run()` keeps going until the cluster is detached.
final class KubernetesClusters: Sendable {
    /// A cluster's watcher to run, and the stream whose end stops it (detach).
    struct Watched: Sendable {
        var watcher: ReplicaWatcher<ContinuousClock>
        var stop: AsyncStream<Void>
    }

    /// Settings for what attach installs and how Pods reach the control plane.
    struct Settings: Sendable {
        /// The Berth runtime image (`deploy/Dockerfile`): `$BERTH_KUBERNETES_IMAGE`.
        var runtimeImage: String
        /// The control plane's URL as Pods reach it: `$BERTH_KUBERNETES_CONTROL_PLANE_URL`, else the
        /// URL the control plane listens on (right when the cluster runs on this machine).
        var controlPlaneURL: String?
        /// Where environment images are looked for: `$BERTH_KUBERNETES_REGISTRY`, nil for none.
        var registry: String? = nil
        /// The registry's credentials file: `$BERTH_KUBERNETES_REGISTRY_CREDENTIALS`.
        var registryCredentialsFile: String? = nil
        /// The PersistentVolumeClaim Pods build venvs into: `$BERTH_KUBERNETES_ENV_CACHE_CLAIM`,
        /// nil for an `emptyDir` per Pod.
        var environmentCacheClaim: String? = nil
        /// The `OTEL_*` variables router and replica Pods get: this process's when it exports
        /// traces (`TraceExportEnvironment.passedOn`), so every span reaches one collector.
        var traceEnvironment: [String: String] = [:]

        static func fromEnvironment() -> Settings {
            let environment = ProcessInfo.processInfo.environment
            func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
            return Settings(
                runtimeImage: environment["BERTH_KUBERNETES_IMAGE"] ?? "berth/runtime:latest",
                controlPlaneURL: environment["BERTH_KUBERNETES_CONTROL_PLANE_URL"],
                registry: value("BERTH_KUBERNETES_REGISTRY"),
                registryCredentialsFile: value("BERTH_KUBERNETES_REGISTRY_CREDENTIALS"),
                environmentCacheClaim: value("BERTH_KUBERNETES_ENV_CACHE_CLAIM"),
                traceEnvironment: TraceExportEnvironment.passedOn(from: environment))
        }

        /// The registry client, or why the registry settings cannot be used (read at each deploy,
        /// so fixing the credentials file needs no restart); (nil, nil) when none is configured.
        func registryClient() -> (client: RegistryClient?, problem: String?) {
            guard let registry else { return (nil, nil) }
            do {
                let credentials = try registryCredentialsFile.map { try RegistrySettings.credentials(atPath: $0) }
                let settings = try RegistrySettings(registry: registry, credentials: credentials)
                return (RegistryClient(settings: settings), nil)
            } catch let error as KubernetesError {
                return (nil, "the registry settings cannot be used: \(error.message)")
            } catch {
                return (nil, "the registry settings cannot be used: \(error)")
            }
        }
    }

    let folder: URL
    let layout: WorkspaceLayout
    let settings: Settings
    let logger: Logger
    /// The read-only artifact tokens of the deployments' Pods.
    let artifactGrants: ArtifactGrants
    /// The secrets replica Pods require of the router (in each deployment's Secret).
    let replicaSecrets: ReplicaSecrets
    /// Where a deployment's file list is stored for its Pods to fetch; nil: files named inline.
    let artifacts: (any ArtifactStore)?
    private let backends = Mutex<[String: KubernetesBackend]>([:])
    /// Fired when a watch sees a replica's readiness change (the route publisher's signal).
    let onChange: @Sendable () -> Void
    private let stops = Mutex<[String: AsyncStream<Void>.Continuation]>([:])
    private let watchers = AsyncStream.makeStream(of: Watched.self)

    /// - Throws: when the saved artifact grants cannot be read.
    init(
        workspace: WorkspaceLayout, settings: Settings = .fromEnvironment(), replicaSecrets: ReplicaSecrets,
        artifacts: (any ArtifactStore)? = nil, logger: Logger, onChange: @escaping @Sendable () -> Void = {}
    ) throws {
        self.artifacts = artifacts
        self.onChange = onChange
        self.replicaSecrets = replicaSecrets
        self.folder = workspace.root.appendingPathComponent("kubernetes", isDirectory: true)
        self.layout = workspace
        self.settings = settings
        self.logger = logger
        self.artifactGrants = try ArtifactGrants(file: folder.appendingPathComponent("artifact-grants.json"))
    }

    /// The workspace's id, written once: the attachment marker in a cluster names it.
    func workspaceID() throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try SecretFile.readOrCreate(at: folder.appendingPathComponent("workspace-id")) {
            "ws-" + SecretFile.randomToken(byteCount: 8)
        }
    }

    /// The token the router Pods of compute target `compute` present to the route-table feed
    /// (`GET /api/v1/routes?compute=NAME`): one per cluster, so a cluster's routers read only
    /// that cluster's routes. Made at attach, kept with mode 0600, removed at detach.
    func feedToken(of compute: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try SecretFile.readOrCreate(at: feedTokenFile(of: compute)) { SecretFile.randomToken() }
    }

    /// The feed token of `compute` if it was ever made (the feed never makes one on a request).
    func existingFeedToken(of compute: String) throws -> String? {
        try SecretFile.read(at: feedTokenFile(of: compute))
    }

    func feedTokenFile(of compute: String) -> URL { folder.appendingPathComponent("\(compute).feed-token") }

    /// The control plane's URL for Pods: the setting, else the one in `server.json`.
    func controlPlaneURL() -> String {
        if let url = settings.controlPlaneURL { return url }
        let info = try? BerthJSON.decode(
            ServerInfo.self, from: Data(contentsOf: layout.serverInfoFile), what: "server.json")
        return info?.controlPlaneURL ?? "http://127.0.0.1:8890"
    }

    /// The workspace CA, for router Pods to check the control plane's certificate against, when
    /// they reach it over https and the CA exists (the admin API's certificate may come from it;
    /// trusting it beside the system's CAs is harmless when it does not).
    func controlPlaneCAPEM() -> String? {
        guard controlPlaneURL().hasPrefix("https://") else { return nil }
        let file = layout.root.appendingPathComponent("tls", isDirectory: true).appendingPathComponent("ca.pem")
        return try? String(contentsOf: file, encoding: .utf8)
    }

    func kubeconfigFile(of compute: String) -> URL { folder.appendingPathComponent("\(compute).kubeconfig") }

    func saveKubeconfig(_ text: String, of compute: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try SecretFile.write(text, to: kubeconfigFile(of: compute))
    }

    func forget(_ compute: String) {
        backends.withLock { $0[compute] = nil }
        stops.withLock { $0.removeValue(forKey: compute) }?.finish()
        try? FileManager.default.removeItem(at: kubeconfigFile(of: compute))
        try? FileManager.default.removeItem(at: feedTokenFile(of: compute))
    }

    /// The client of an attached cluster, from its saved kubeconfig.
    func client(of compute: ComputeTarget) throws -> KubernetesClient {
        guard let text = try SecretFile.read(at: kubeconfigFile(of: compute.name)) else {
            throw BerthError(
                .internalError,
                "The kubeconfig of compute target '\(compute.name)' is missing from the workspace; detach it with --force and attach it again."
            )
        }
        do {
            let connection = try Kubeconfig.resolve(
                text: text, path: kubeconfigFile(of: compute.name).path, baseDirectory: folder,
                namespace: compute.kubernetes?.namespace)
            return try KubernetesClient(connection: connection, logger: logger)
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }

    /// The backend of attached cluster `name` if one was made and the cluster is still attached;
    /// reads nothing.
    func attachedBackend(named name: String) -> KubernetesBackend? {
        backends.withLock { $0[name] }
    }

    /// The backend of an attached cluster.
    func backend(of compute: ComputeTarget) throws -> KubernetesBackend {
        if let backend = backends.withLock({ $0[compute.name] }) { return backend }
        let client = try client(of: compute)
        let settings = self.settings
        let namespace = client.connection.namespace
        let controlPlaneURL = self.controlPlaneURL()
        let controlPlaneCA = self.controlPlaneCAPEM()
        let grants = artifactGrants
        let replicaSecrets = self.replicaSecrets
        let watch = ReplicaWatch(onChange: onChange)
        let logger = self.logger
        let artifacts = self.artifacts
        var backend = KubernetesBackend(client: client, watch: watch, logger: logger) { spec, progress in
            let modelFiles = try ArtifactFileList.files(in: spec.modelDirectory)
            let sourceFiles = try ArtifactFileList.files(in: spec.sourceDirectory)
            // The list of files is an artifact too, so the Pod's arguments stay small.
            let list = ReplicaWorkload.fileList(modelFiles: modelFiles, sourceFiles: sourceFiles)
            let listDigest = try list.flatMap { list in try artifacts.map { try $0.ingest(Data(list.utf8)).digest } }
            // Called only when the deployment's objects are (re)created: a token per revision.
            let token = try grants.mint(
                deployment: spec.name,
                artifacts: (modelFiles + sourceFiles).map(\.digest) + (listDigest.map { [$0] } ?? []))
            let (registry, problem) = settings.registryClient()
            let choice = await ReplicaEnvironmentPlanner.choose(
                environment: spec.pythonEnvironment, runtimeImage: settings.runtimeImage, registry: registry,
                registryProblem: problem)
            await progress(choice.summary)
            logger.info(
                "Chose a deployment's environment",
                metadata: ["deployment.name": "\(spec.name)", "environment": "\(choice.summary)"])
            var workload = ReplicaWorkload(
                spec: spec, namespace: spec.namespace ?? namespace, runtimeImage: settings.runtimeImage,
                environmentSource: choice.source, modelFiles: modelFiles,
                sourceFiles: sourceFiles, controlPlaneURL: controlPlaneURL, artifactToken: token,
                replicaSecret: replicaSecrets.secret(forService: spec.name))
            workload.registryConfigJSON = registry?.settings.dockerConfigJSON
            workload.controlPlaneCAPEM = controlPlaneCA
            workload.fileListDigest = listDigest
            workload.environmentCacheClaim = settings.environmentCacheClaim
            workload.environmentSummary = choice.summary
            workload.traceEnvironment = settings.traceEnvironment
            return workload
        }
        backend.replicaSecret = { service in replicaSecrets.secret(forService: service) }
        let (stop, stopper) = AsyncStream.makeStream(of: Void.self)
        let added = backends.withLock { backends in
            guard backends[compute.name] == nil else { return false }
            backends[compute.name] = backend
            return true
        }
        guard added else { return backends.withLock { $0[compute.name] } ?? backend }
        stops.withLock { $0[compute.name] = stopper }
        watchers.continuation.yield(
            Watched(
                watcher: ReplicaWatcher(
                    client: client, watch: watch, clock: ContinuousClock(), watchSeconds: 60, logger: logger),
                stop: stop))
        return backend
    }

    /// Runs the watcher of every cluster whose backend was made, each until its cluster is
    /// detached; returns when cancelled (the control plane's task group).
    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for await watched in watchers.stream {
                group.addTask {
                    await withTaskGroup(of: Void.self) { one in
                        one.addTask { try? await watched.watcher.run() }
                        one.addTask { for await _ in watched.stop {} }
                        _ = await one.next()
                        one.cancelAll()
                    }
                }
            }
        }
    }
}
