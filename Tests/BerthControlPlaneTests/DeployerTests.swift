import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

/// The API side of deploys and deletes on the in-memory store: every refusal leaves the store as
/// it was, an accepted deploy is an operation and a job, and a delete is a spec change.
struct DeployerTests {
    /// A store with a local cluster and model `m:1`, and a folder with an entry script.
    static func setUp() async throws -> (InMemoryMetadataStore, TemporaryDirectory) {
        let store = InMemoryMetadataStore()
        try await store.insertCompute(
            ComputeTarget(
                name: "local-1", computeType: .local, clusterPurpose: .fastProd, provisioningState: .succeeded,
                capacity: ClusterCapacity(cores: 4, memoryInGB: 16)))
        _ = try await store.registerModel(
            RegisterModelRequest(
                name: "m", description: nil, kvTags: [:], properties: [:], isFolder: false,
                files: [
                    ArtifactFile(
                        path: "model.pkl", digest: "sha256:" + String(repeating: "ab", count: 32), sizeBytes: 1)
                ]),
            createdTime: Date())
        let folder = try TemporaryDirectory()
        try "def init():\n    pass\n\ndef run(data):\n    return data\n".write(
            to: folder.appending("score.py"), atomically: true, encoding: .utf8)
        return (store, folder)
    }

    static func request(_ folder: TemporaryDirectory, models: [String] = ["m:1"], overwrite: Bool = false)
        -> DeployRequest
    {
        DeployRequest(
            name: "svc", computeName: "local-1", models: models, inferenceConfig: #"{"entryScript": "score.py"}"#,
            deploymentConfig: #"{"computeType": "aks", "numReplicas": 1}"#, baseDirectory: folder.url.path,
            overwrite: overwrite)
    }

    @Test("Refusals (a missing model, a bad config, a taken name) name the fix and store nothing")
    func refusalsStoreNothing() async throws {
        let (store, folder) = try await Self.setUp()
        defer { folder.remove() }
        let deployer = Deployer(store: store, queue: DeploymentQueue())

        let missing = await #expect(throws: BerthError.self) {
            try await deployer.deploy(Self.request(folder, models: ["nope:1"]))
        }
        #expect(missing?.code == .notFound)
        #expect(missing?.message.contains("berth model list") == true)

        var bad = Self.request(folder)
        bad.deploymentConfig = #"{"computeType": "aks", "numReplicas": "two"}"#
        let invalid = await #expect(throws: BerthError.self) { try await deployer.deploy(bad) }
        #expect(invalid?.message.contains("numReplicas") == true)
        #expect(try await store.services().isEmpty)
        #expect(try await store.operations(on: "/api/v1/services/svc", limit: 5).isEmpty)

        try await store.saveService(
            Webservice(
                name: "svc", computeName: "local-1", computeType: "Local", models: ["m:1"],
                inferenceConfig: InferenceConfig(entryScript: "score.py"), deploymentConfig: DeploymentConfig(),
                desiredReplicas: 1),
            status: WebserviceStatus(rollout: RolloutCondition(.complete), readyReplicas: 1))
        let taken = await #expect(throws: BerthError.self) { try await deployer.deploy(Self.request(folder)) }
        #expect(taken?.code == .alreadyExists)
        #expect(taken?.message.contains("--overwrite") == true)
        #expect(try await store.service(named: "svc")?.generation == 1)
    }

    @Test("An accepted deploy is a stored operation and a job; a second operation on the service is refused")
    func acceptedDeployClaimsTheService() async throws {
        let (store, folder) = try await Self.setUp()
        defer { folder.remove() }
        let queue = DeploymentQueue()
        let deployer = Deployer(store: store, queue: queue)
        let operation = try await deployer.deploy(Self.request(folder))
        #expect(try await store.operation(id: operation.id)?.operationType == "DeployService")
        #expect(!queue.claim("svc"))
    }

    @Test("A delete marks the spec deleting: the service shows Deleting, its status untouched")
    func deleteIsASpecChange() async throws {
        let (store, folder) = try await Self.setUp()
        defer { folder.remove() }
        let deployer = Deployer(store: store, queue: DeploymentQueue())
        try await store.saveService(
            Webservice(
                name: "svc", computeName: "local-1", computeType: "Local", models: ["m:1"],
                inferenceConfig: InferenceConfig(entryScript: "score.py"), deploymentConfig: DeploymentConfig(),
                desiredReplicas: 1),
            status: WebserviceStatus(rollout: RolloutCondition(.complete), readyReplicas: 1))
        _ = try await deployer.delete("svc")
        let read = try #require(try await store.service(named: "svc"))
        #expect(read.state == .deleting)
        #expect(read.readyReplicas == 1)
        #expect(read.generation == 2)
    }
}
