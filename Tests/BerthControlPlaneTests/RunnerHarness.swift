import BerthAuth
import BerthBackends
import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Logging
import Synchronization
import Testing

@testable import BerthControlPlane

/// A deployment runner wired as `ControlPlane` wires it, on the in-memory store, a real artifact
/// store and deployment folders in a temporary workspace, the system Python as every environment,
/// and a `ScriptedBackend` instead of replica processes.
struct RunnerHarness {
    let folder: TemporaryDirectory
    let store: InMemoryMetadataStore
    let backend: ScriptedBackend
    let queue = DeploymentQueue()
    let observer: ServiceStatusObserver
    let runner: DeploymentRunner
    let deployer: Deployer
    private let tables = PublishedTables()

    /// A new workspace with a local cluster and model `m:1`, or `reusing` another harness's
    /// workspace and store (a restarted server) with a new backend that runs nothing.
    init(
        behaviour: ScriptedBackend.Behaviour, readinessTimeout: Duration = .seconds(30),
        reusing previous: RunnerHarness? = nil
    ) async throws {
        let changes = ChangeSignal()
        folder = try previous?.folder ?? TemporaryDirectory()
        store = previous?.store ?? InMemoryMetadataStore()
        backend = ScriptedBackend(behaviour: behaviour, changes: changes)
        let layout = WorkspaceLayout(root: folder.appending("home"))
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        let artifacts = try FileArtifactStore(root: layout.artifacts)
        if previous == nil { try await Self.seed(store, artifacts: artifacts, folder: folder) }

        let logger = Logger(label: "test.runner")
        observer = ServiceStatusObserver(store: store, backend: backend, changes: changes, logger: logger)
        let routes = RoutePublisher(
            store: store, endpointStore: store, backend: backend, signal: changes,
            signingKeys: try WorkspaceSigningKeys(file: SigningKeyFile(workspace: layout)),
            replicaSecrets: try ReplicaSecrets(workspace: layout), logger: logger,
            publish: { [tables] table in tables.latest.withLock { $0 = table } })
        var runner = DeploymentRunner(
            queue: queue, store: store, backend: backend,
            files: DeploymentFiles(workspace: layout, artifacts: artifacts), keyring: ServiceKeyring(store: store),
            routes: routes, observer: observer, changes: changes, routerURL: { "http://127.0.0.1:1" },
            environments: SystemPythonEnvironments(), logger: logger)
        runner.readinessTimeout = readinessTimeout
        self.runner = runner
        deployer = Deployer(store: store, queue: queue)
    }

    /// A local cluster, model `m:1` (its file in the artifact store) and an entry script.
    private static func seed(_ store: InMemoryMetadataStore, artifacts: FileArtifactStore, folder: TemporaryDirectory)
        async throws
    {
        try await store.insertCompute(
            ComputeTarget(
                name: "local-1", computeType: .local, clusterPurpose: .fastProd, provisioningState: .succeeded,
                capacity: ClusterCapacity(cores: 4, memoryInGB: 16)))
        let weights = try folder.write(Data("weights\n".utf8), to: "model.txt")
        let stored = try artifacts.ingestFile(at: weights)
        _ = try await store.registerModel(
            RegisterModelRequest(
                name: "m", description: nil, kvTags: [:], properties: [:], isFolder: false,
                files: [ArtifactFile(path: "model.txt", digest: stored.digest, sizeBytes: stored.sizeBytes)]),
            createdTime: Date())
        try "def init():\n    pass\n\ndef run(data):\n    return data\n".write(
            to: folder.appending("score.py"), atomically: true, encoding: .utf8)
    }

    func request(replicas: Int = 1) -> DeployRequest {
        DeployRequest(
            name: "svc", computeName: "local-1", models: ["m:1"], inferenceConfig: #"{"entryScript": "score.py"}"#,
            deploymentConfig: #"{"computeType": "aks", "numReplicas": \#(replicas)}"#,
            baseDirectory: folder.url.path, overwrite: false)
    }

    /// Runs `body` while the runner takes jobs; stops the runner after.
    func running(_ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    /// The operation once it ended (waiting on the same signal as the API's long-poll).
    func finished(_ operation: BerthCore.Operation) async throws -> BerthCore.Operation {
        while true {
            let seen = queue.operationChanges.version
            let current = try #require(try await store.operation(id: operation.id))
            if current.isFinished { return current }
            await queue.operationChanges.wait(after: seen, upTo: .seconds(1))
        }
    }

    /// Returns once `condition` holds, checking every 50 ms.
    func waitUntil(_ condition: () async throws -> Bool) async throws {
        while try await !condition() {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The services in the latest route table published.
    var publishedServices: Set<String> {
        Set(tables.latest.withLock { $0?.services.keys.map { $0 } ?? [] })
    }

    func remove() { folder.remove() }
}

/// The route tables the publisher published: the router's view.
final class PublishedTables: Sendable {
    let latest = Mutex<RouteTable?>(nil)
}

/// Every environment is the machine's Python: the runner's logic, not pip, is under test.
struct SystemPythonEnvironments: EnvironmentBuilder {
    func prepare(_ spec: EnvironmentSpec, log: @escaping @Sendable (String) -> Void) async throws
        -> PreparedEnvironment
    {
        log("using the system Python")
        return PreparedEnvironment(
            pythonExecutable: "/usr/bin/python3", hash: spec.hash, source: .system, directory: nil, logFile: nil)
    }
}

/// A compute backend whose replicas do what the test says instead of running: ready at once,
/// crashing, unschedulable or forever starting. A revision that was once ready stays ready (its
/// replicas keep running), as the real backends keep the serving revision through a rollout.
/// Every change fires the change signal, as the real backends do.
final class ScriptedBackend: ComputeBackend, Sendable {
    enum Behaviour: Sendable {
        case ready
        case starting
        case crashing(restarts: Int, log: String)
        case unschedulable(String)
    }

    private struct State {
        var behaviour: Behaviour
        var applied: [DeploymentSpec] = []
        var removed: [String] = []
        var statuses: [String: DeploymentStatus] = [:]
        var readyRevisions: Set<String> = []
        var log = ""
    }

    private let state: Mutex<State>
    private let changes: ChangeSignal

    init(behaviour: Behaviour, changes: ChangeSignal) {
        state = Mutex(State(behaviour: behaviour))
        self.changes = changes
    }

    /// What a revision applied from now on does.
    var behaviour: Behaviour {
        get { state.withLock { $0.behaviour } }
        set { state.withLock { $0.behaviour = newValue } }
    }

    /// Every spec applied, in order.
    var applied: [DeploymentSpec] { state.withLock { $0.applied } }
    /// Every deployment removed, in order.
    var removed: [String] { state.withLock { $0.removed } }

    func apply(_ spec: DeploymentSpec) async throws {
        state.withLock { state in
            state.applied.append(spec)
            let behaviour = state.readyRevisions.contains(spec.revision) ? .ready : state.behaviour
            let ids = (0..<spec.replicas).map { "\(spec.name)-\($0)" }
            var status = DeploymentStatus(name: spec.name, desiredReplicas: spec.replicas, replicas: [])
            switch behaviour {
            case .ready:
                state.readyRevisions.insert(spec.revision)
                status.replicas = ids.map {
                    ReplicaStatus(id: $0, state: .ready, pid: nil, port: 1, restarts: 0, lastError: nil)
                }
            case .starting:
                status.replicas = ids.map {
                    ReplicaStatus(id: $0, state: .starting, pid: nil, port: nil, restarts: 0, lastError: nil)
                }
            case .crashing(let restarts, let log):
                state.log = log
                status.replicas = ids.map {
                    ReplicaStatus(
                        id: $0, state: .starting, pid: nil, port: nil, restarts: restarts, lastError: "exit code 1")
                }
            case .unschedulable(let reason):
                status.unschedulable = reason
            }
            state.statuses[spec.name] = status
        }
        changes.fire()
    }

    func scale(deploymentNamed name: String, to replicas: Int) async throws {
        state.withLock { $0.statuses[name]?.desiredReplicas = replicas }
        changes.fire()
    }

    func replicaCapacity(ofDeployment name: String) async -> ReplicaCapacity? { nil }

    func remove(deploymentNamed name: String) async {
        state.withLock { state in
            state.removed.append(name)
            state.statuses[name] = nil
        }
        changes.fire()
    }

    func status(ofDeployment name: String) async -> DeploymentStatus? {
        state.withLock { $0.statuses[name] }
    }

    func logs(ofDeployment name: String, replica: String?, lines: Int) async throws -> String {
        state.withLock { $0.log }
    }
}
