import BerthCore
import BerthStore
import BerthTesting
import Foundation
import GRDB
import Testing

/// The service store's contract, checked on the SQLite store (a real file) and on the in-memory one
/// the control plane's unit tests use: spec and status are written apart, a conditional spec write
/// happens only at the generation it read, and concurrent writers lose nothing.
struct ServiceStoreContractTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, memory
        var testDescription: String { rawValue }
    }

    /// A fresh store of `kind` with one compute target, and what removes it afterwards.
    static func store(_ kind: Kind) throws -> (any MetadataStore, TemporaryDirectory?) {
        switch kind {
        case .sqlite:
            let folder = try TemporaryDirectory()
            return (try SQLiteMetadataStore(path: folder.appending("berth.sqlite")), folder)
        case .memory:
            return (InMemoryMetadataStore(), nil)
        }
    }

    static func service(_ name: String = "svc") -> Webservice {
        Webservice(
            name: name, computeName: "local-1", computeType: "Local", models: [],
            inferenceConfig: InferenceConfig(entryScript: "score.py"), deploymentConfig: DeploymentConfig(),
            desiredReplicas: 2)
    }

    @Test("A spec write keeps the status, a status write keeps the spec", arguments: Kind.allCases)
    func halvesApart(kind: Kind) async throws {
        let (store, folder) = try Self.store(kind)
        defer { folder?.remove() }
        let saved = try await store.saveService(Self.service(), status: WebserviceStatus())
        #expect(saved.generation == 1)
        #expect(saved.state == .transitioning)

        try await store.updateServiceStatus(named: "svc") { status in
            status.rollout = RolloutCondition(.complete)
            status.readyReplicas = 2
            status.scoringUri = "http://127.0.0.1:8080/api/v1/service/svc/score"
        }
        let scaled = try await store.updateService(named: "svc", ifGeneration: 1) { service in
            service.desiredReplicas = 3
            // Status fields set by a spec writer are not kept.
            service.readyReplicas = 99
            service.scoringUri = nil
        }
        #expect(scaled.generation == 2)
        let read = try #require(try await store.service(named: "svc"))
        #expect(read.desiredReplicas == 3)
        #expect(read.readyReplicas == 2)
        #expect(read.scoringUri == "http://127.0.0.1:8080/api/v1/service/svc/score")
        // Derived, not stored: 2 of 3 ready with a fixed count is Unhealthy, and says why.
        #expect(read.state == .healthy || read.state == .unhealthy)
        #expect(read == scaled)
    }

    @Test("A conditional spec write at an old generation is refused and changes nothing", arguments: Kind.allCases)
    func conditionalWrite(kind: Kind) async throws {
        let (store, folder) = try Self.store(kind)
        defer { folder?.remove() }
        try await store.saveService(Self.service(), status: WebserviceStatus())
        try await store.updateService(named: "svc", ifGeneration: nil) { $0.description = "first" }
        let error = await #expect(throws: BerthError.self) {
            try await store.updateService(named: "svc", ifGeneration: 1) { $0.desiredReplicas = 7 }
        }
        #expect(error?.code == .conflict)
        let read = try #require(try await store.service(named: "svc"))
        #expect(read.desiredReplicas == 2)
        #expect(read.description == "first")
        #expect(read.generation == 2)
        let missing = await #expect(throws: BerthError.self) {
            try await store.updateService(named: "nope", ifGeneration: nil) { _ in }
        }
        #expect(missing?.code == .notFound)
        #expect(try await store.updateServiceStatus(named: "nope") { $0.readyReplicas = 1 } == nil)
    }

    @Test(
        "Replacing a spec (a redeploy) increases the generation and starts the status again", arguments: Kind.allCases)
    func redeploy(kind: Kind) async throws {
        let (store, folder) = try Self.store(kind)
        defer { folder?.remove() }
        try await store.saveService(Self.service(), status: WebserviceStatus())
        try await store.updateServiceStatus(named: "svc") { $0.rollout = RolloutCondition(.complete) }
        let again = try await store.saveService(Self.service(), status: WebserviceStatus())
        #expect(again.generation == 2)
        #expect(again.observedGeneration == 2)
        #expect(again.state == .transitioning)
    }

    /// Spec writers (an update adding a tag each, the autoscaler's conditional replica count) and
    /// status writers (readiness flaps, each counting one) interleaved in a seeded random order on
    /// one service: every tag, every flap and every successful scale is in the final record.
    @Test("Interleaved updates, scale decisions and readiness flaps lose no field", arguments: Kind.allCases)
    func interleavedWritersLoseNothing(kind: Kind) async throws {
        for seed in UInt64(1)...20 {
            let (store, folder) = try Self.store(kind)
            defer { folder?.remove() }
            try await store.saveService(Self.service(), status: WebserviceStatus(rollout: RolloutCondition(.complete)))
            var random = SeededRandom(seed: seed)
            enum Write {
                case update(Int)
                case scale(Int)
                case flap
            }
            let writes: [Write] =
                ((0..<15).map { .update($0) } + (0..<15).map { .scale($0) } + (0..<15).map { _ in .flap })
                .shuffled(using: &random)
            let scaled = await withTaskGroup(of: Int.self) { group in
                for write in writes {
                    group.addTask {
                        do {
                            switch write {
                            case .update(let index):
                                try await store.updateService(named: "svc", ifGeneration: nil) { service in
                                    service.kvTags = (service.kvTags ?? [:]).merging(["update-\(index)": "done"]) { $1 }
                                }
                                return 0
                            case .scale(let index):
                                let read = try #require(try await store.service(named: "svc"))
                                try await store.updateService(named: "svc", ifGeneration: read.generation) {
                                    $0.desiredReplicas = 10 + index
                                }
                                return 1
                            case .flap:
                                try await store.updateServiceStatus(named: "svc") { $0.readyReplicas += 1 }
                                return 0
                            }
                        } catch let error as BerthError where error.code == .conflict {
                            return 0
                        } catch {
                            Issue.record("Unexpected error: \(error)")
                            return 0
                        }
                    }
                }
                return await group.reduce(0, +)
            }
            let final = try #require(try await store.service(named: "svc"))
            #expect(final.kvTags?.count == 15, "seed \(seed)")
            #expect(final.readyReplicas == 15, "seed \(seed)")
            #expect(final.generation == 1 + 15 + scaled, "seed \(seed)")
            // The last successful scale's count stays (none succeeds when an update always came between).
            #expect(
                scaled == 0 ? final.desiredReplicas == 2 : (10..<25).contains(final.desiredReplicas), "seed \(seed)")
        }
    }

    @Test("A service stored before spec and status were apart reads its status from its state")
    func storedBeforeTheSplit() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.appending("berth.sqlite")
        let store = try SQLiteMetadataStore(path: path)
        try await store.saveService(Self.service(), status: WebserviceStatus())
        // The row as an older server wrote it: state and error in the body, no status column value.
        var old = Self.service()
        old.state = .failed
        old.error = ErrorDetail(code: "InternalError", message: "replica crashed")
        let body = try BerthJSON.encode(old)
        let queue = try DatabaseQueue(path: path.path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE service SET body = ?, status = NULL WHERE name = 'svc'", arguments: [body])
        }
        let read = try #require(try await SQLiteMetadataStore(path: path).service(named: "svc"))
        #expect(read.state == .failed)
        #expect(read.error?.message == "replica crashed")
        #expect(read.generation == 1)
    }
}
