import BerthCore
import Foundation
import Synchronization

/// Work the deployment runner does in the background, each with the operation that reports it.
enum DeploymentJob: Sendable {
    /// Deploy (or overwrite) a validated service.
    case deploy(ValidatedDeploy, OperationRecorder)
    /// Change a live service (rolling its replicas when code, models or start settings change).
    case update(ValidatedUpdate, OperationRecorder)
    /// Stop a service's replicas and remove it.
    case delete(name: String, OperationRecorder)
    /// After a server start: start the replicas a stored service wants.
    case restore(Webservice)
}

/// A deploy request after every check that needs no long work: names, configs, models, compute.
struct ValidatedDeploy: Sendable {
    var name: String
    var compute: ComputeTarget
    var models: [Model]
    var inferenceConfig: InferenceConfig
    var deploymentConfig: DeploymentConfig
    var sourceDirectory: URL
    var entryScript: String
    var warnings: [String]
    /// Azure's description, tags and properties of the service.
    var description: String? = nil
    var kvTags: [String: String]? = nil
    var properties: [String: String]? = nil
    /// Keys the deployment config chose (`keys.primaryKey`, `keys.secondaryKey`); nil: generated.
    var keys: DeploymentConfigFile.Keys? = nil
}

/// An update request after every check that needs no long work. Nil fields stay as they are.
struct ValidatedUpdate: Sendable {
    var name: String
    /// The new models, when `-m` was given.
    var models: [Model]?
    /// The new inference config with its source folder and entry script, when `--ic` was given.
    var inferenceConfig: InferenceConfig?
    var sourceDirectory: URL?
    var entryScript: String?
    /// The current config with the partial file laid over it, validated.
    var deploymentConfig: DeploymentConfig
    var warnings: [String]
    /// New description, tags or properties, each when given.
    var description: String? = nil
    var kvTags: [String: String]? = nil
    var properties: [String: String]? = nil
}

/// The queue between the API (which answers 202 at once) and the runner, plus the set of
/// services with an operation in progress (a second one gets 409).
final class DeploymentQueue: Sendable {
    let jobs: AsyncStream<DeploymentJob>
    private let continuation: AsyncStream<DeploymentJob>.Continuation
    private let busy = Mutex<Set<String>>([])
    /// Fired whenever an operation's record changes (state, a log line): what a client's
    /// long-poll of `/api/v1/operations/<id>` waits on.
    let operationChanges = ChangeSignal()

    init() {
        (jobs, continuation) = AsyncStream.makeStream(of: DeploymentJob.self)
    }

    /// Claims `service` for one operation; false when another operation holds it.
    func claim(_ service: String) -> Bool {
        busy.withLock { $0.insert(service).inserted }
    }

    /// Claims `service`, waiting up to `patience` for a short holder to let go — the autoscaler
    /// holds a service only while it applies one scaling step — so a user's deploy, update or
    /// delete is not refused because a scaling decision happened to be applied at that moment.
    func claim(_ service: String, waitingUpTo patience: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: patience)
        while !claim(service) {
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Releases `service` after its operation ended.
    func release(_ service: String) {
        _ = busy.withLock { $0.remove(service) }
    }

    func enqueue(_ job: DeploymentJob) {
        continuation.yield(job)
    }

    func finish() {
        continuation.finish()
    }
}
