import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

/// The SQLite store on a real file: versions per model name, and everything surviving a reopen.
struct SQLiteMetadataStoreTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    static func request(_ name: String, tags: [String: String] = [:]) -> RegisterModelRequest {
        RegisterModelRequest(
            name: name,
            description: "model \(name)",
            kvTags: tags,
            properties: ["framework": "sklearn"],
            isFolder: false,
            files: [ArtifactFile(path: "model.pkl", digest: digest, sizeBytes: 12)]
        )
    }

    @Test func versionsIncrementPerName() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteMetadataStore(path: folder.appending("berth.sqlite"))
        let now = Date()
        #expect(try await store.registerModel(Self.request("alpha"), createdTime: now).version == 1)
        #expect(try await store.registerModel(Self.request("alpha"), createdTime: now).version == 2)
        #expect(try await store.registerModel(Self.request("beta"), createdTime: now).version == 1)
        #expect(try await store.registerModel(Self.request("alpha"), createdTime: now).version == 3)
        let alpha = try await store.models(named: "alpha", tag: nil)
        #expect(alpha.map(\.version) == [3, 2, 1])
        #expect(try await store.model(named: "alpha", version: nil)?.version == 3)
        #expect(try await store.model(named: "alpha", version: 2)?.id == "alpha:2")
        #expect(try await store.model(named: "gamma", version: nil) == nil)
    }

    @Test func versionsAreNeverReusedAfterADelete() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteMetadataStore(path: folder.appending("berth.sqlite"))
        _ = try await store.registerModel(Self.request("alpha"), createdTime: Date())
        _ = try await store.registerModel(Self.request("alpha"), createdTime: Date())
        try await store.deleteModel(named: "alpha", version: 2)
        #expect(try await store.registerModel(Self.request("alpha"), createdTime: Date()).version == 3)
        #expect(try await store.models(named: "alpha", tag: nil).map(\.version) == [3, 1])
    }

    @Test func deletingAMissingModelIsNotFound() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteMetadataStore(path: folder.appending("berth.sqlite"))
        let error = await #expect(throws: BerthError.self) {
            try await store.deleteModel(named: "alpha", version: 1)
        }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("'alpha:1'") == true)
    }

    @Test func everythingSurvivesClosingAndReopening() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.appending("workspace/berth.sqlite")
        let createdTime = Date(timeIntervalSince1970: 1_700_000_000)
        var registered: [Model] = []
        do {
            let store = try SQLiteMetadataStore(path: path)
            let requests = [Self.request("alpha", tags: ["stage": "dev"]), Self.request("alpha"), Self.request("beta")]
            for request in requests {
                registered.append(try await store.registerModel(request, createdTime: createdTime))
            }
            try await store.insertCompute(Self.compute("local-1"))
        }
        let reopened = try SQLiteMetadataStore(path: path)
        let models = try await reopened.models(named: nil, tag: nil)
        #expect(Set(models) == Set(registered))
        #expect(try await reopened.model(named: "alpha", version: 1)?.kvTags == ["stage": "dev"])
        #expect(try await reopened.computes().map(\.name) == ["local-1"])
        #expect(try await reopened.registerModel(Self.request("alpha"), createdTime: Date()).version == 3)
        #expect(try await reopened.registerModel(Self.request("beta"), createdTime: Date()).version == 2)
    }

    @Test func listFiltersByNameAndTag() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteMetadataStore(path: folder.appending("berth.sqlite"))
        _ = try await store.registerModel(Self.request("alpha", tags: ["stage": "dev"]), createdTime: Date())
        _ = try await store.registerModel(Self.request("alpha", tags: ["stage": "prod"]), createdTime: Date())
        let beta = Self.request("beta", tags: ["stage": "prod", "team": "a"])
        _ = try await store.registerModel(beta, createdTime: Date())
        let prod = try await store.models(named: nil, tag: ModelTagFilter(parsing: "stage=prod"))
        #expect(prod.map(\.id) == ["alpha:2", "beta:1"])
        let anyStage = try await store.models(named: nil, tag: ModelTagFilter(parsing: "stage"))
        #expect(anyStage.count == 3)
        let team = try await store.models(named: "alpha", tag: ModelTagFilter(parsing: "team"))
        #expect(team.isEmpty)
        #expect(try await store.models(named: "beta", tag: nil).map(\.id) == ["beta:1"])
    }

    @Test func computeNamesAreUnique() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteMetadataStore(path: folder.appending("berth.sqlite"))
        try await store.insertCompute(Self.compute("local-1"))
        let error = await #expect(throws: BerthError.self) {
            try await store.insertCompute(Self.compute("local-1"))
        }
        #expect(error?.code == .alreadyExists)
        #expect(error?.message.contains("'local-1'") == true)
        try await store.deleteCompute(named: "local-1")
        #expect(try await store.compute(named: "local-1") == nil)
    }

    static func compute(_ name: String) -> ComputeTarget {
        ComputeTarget(
            name: name,
            computeType: .local,
            clusterPurpose: .fastProd,
            provisioningState: .succeeded,
            capacity: ClusterCapacity(agentCount: 3, agentVmSize: "Standard_D3_v2", cores: 12, memoryInGB: 42),
            createdOn: Date(timeIntervalSince1970: 1_700_000_000),
            modifiedOn: Date(timeIntervalSince1970: 1_700_000_000)
        )
    }
}

/// Resources in use cannot be deleted: the refusal names who uses them.
struct StoreInUseTests {
    static func service(_ name: String, models: [String], compute: String = "local-1") -> Webservice {
        Webservice(
            name: name,
            computeName: compute,
            computeType: "Local",
            models: models,
            inferenceConfig: InferenceConfig(entryScript: "score.py"),
            deploymentConfig: DeploymentConfig(),
            desiredReplicas: 1
        )
    }

    @Test func aModelUsedByServicesCannotBeDeleted() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteMetadataStore(path: folder.appending("berth.sqlite"))
        try await store.insertCompute(SQLiteMetadataStoreTests.compute("local-1"))
        _ = try await store.registerModel(SQLiteMetadataStoreTests.request("alpha"), createdTime: Date())
        _ = try await store.registerModel(SQLiteMetadataStoreTests.request("alpha"), createdTime: Date())
        try await store.saveService(Self.service("svc-b", models: ["alpha:1"]), status: WebserviceStatus())
        try await store.saveService(Self.service("svc-a", models: ["alpha:1", "alpha:2"]), status: WebserviceStatus())

        let error = await #expect(throws: BerthError.self) { try await store.deleteModel(named: "alpha", version: 1) }
        #expect(error?.code == .conflict)
        #expect(
            error?.message
                == "Model 'alpha:1' is used by service 'svc-a', 'svc-b'; delete or update those services first."
        )
        let single = await #expect(throws: BerthError.self) { try await store.deleteModel(named: "alpha", version: 2) }
        #expect(single?.message == "Model 'alpha:2' is used by service 'svc-a'; delete or update that service first.")

        let compute = await #expect(throws: BerthError.self) { try await store.deleteCompute(named: "local-1") }
        #expect(compute?.code == .conflict)
        #expect(compute?.message.contains("'svc-a', 'svc-b'") == true)

        try await store.deleteService(named: "svc-a")
        try await store.deleteService(named: "svc-b")
        try await store.deleteModel(named: "alpha", version: 1)
        #expect(try await store.services(usingModel: "alpha:2").isEmpty)
        try await store.deleteCompute(named: "local-1")
    }
}
