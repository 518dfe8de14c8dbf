import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

/// A load report speaks for its own cluster: every service it names must be placed on the
/// compute target it names, checked against the store, one look-up per service for small
/// reports and one read of every service for large ones.
struct RouterLoadPlacementTests {
    /// A store with compute targets aks-1 and aks-2, services `onOne` on aks-1 and svc-b on aks-2.
    static func store(in folder: TemporaryDirectory, onOne: [String]) async throws -> SQLiteMetadataStore {
        let store = try SQLiteMetadataStore(path: folder.appending("berth.sqlite"))
        for compute in ["aks-1", "aks-2"] {
            try await store.insertCompute(
                ComputeTarget(
                    name: compute, computeType: .kubernetes, clusterPurpose: .devTest, provisioningState: .succeeded,
                    capacity: ClusterCapacity(cores: 4, memoryInGB: 16)))
        }
        for (name, compute) in onOne.map({ ($0, "aks-1") }) + [("svc-b", "aks-2")] {
            try await store.saveService(
                Webservice(
                    name: name, computeName: compute, computeType: "Kubernetes", models: [],
                    inferenceConfig: InferenceConfig(entryScript: "score.py"), deploymentConfig: DeploymentConfig(),
                    desiredReplicas: 1),
                status: WebserviceStatus())
        }
        return store
    }

    static func report(compute: String = "aks-1", _ services: [String]) -> RouterLoadReport {
        RouterLoadReport(
            router: "r1", compute: compute,
            services: Dictionary(uniqueKeysWithValues: services.map { ($0, ServiceDemand(inFlight: 1, queued: 0)) }))
    }

    @Test(
        "Services of the report's own compute target pass, endpoint versions' deployments included", arguments: [1, 40])
    func ownServicesPass(count: Int) async throws {
        let folder = try TemporaryDirectory("berth-placement")
        defer { folder.remove() }
        let names = (0..<count).map { "svc-\($0)" } + ["shop--blue"]
        let store = try await Self.store(in: folder, onOne: names)
        try await Self.report(names).checkPlacement(in: store)
        try await Self.report([]).checkPlacement(in: store)
        try await Self.report(compute: "aks-2", ["svc-b"]).checkPlacement(in: store)
    }

    @Test("A service on another compute target is refused with 403, an unknown one with 400", arguments: [1, 40])
    func otherClustersServicesAreRefused(count: Int) async throws {
        let folder = try TemporaryDirectory("berth-placement")
        defer { folder.remove() }
        let names = (0..<count).map { "svc-\($0)" }
        let store = try await Self.store(in: folder, onOne: names)

        let elsewhere = await #expect(throws: BerthError.self) {
            try await Self.report(names + ["svc-b"]).checkPlacement(in: store)
        }
        #expect(elsewhere?.code == .forbidden)
        #expect(elsewhere?.code.httpStatus == 403)
        #expect(elsewhere?.message.contains("'services.svc-b'") == true, "\(String(describing: elsewhere))")
        #expect(elsewhere?.message.contains("'aks-1'") == true)
        #expect(elsewhere?.message.contains("aks-2") == false, "the other cluster's name is not told")

        let unknown = await #expect(throws: BerthError.self) {
            try await Self.report(names + ["svc-nowhere"]).checkPlacement(in: store)
        }
        #expect(unknown?.code == .badRequest)
        #expect(unknown?.message.contains("'services.svc-nowhere'") == true)

        let noCompute = await #expect(throws: BerthError.self) {
            try await Self.report(compute: "aks-9", []).checkPlacement(in: store)
        }
        #expect(noCompute?.code == .badRequest)
        #expect(noCompute?.message.contains("'compute'") == true)
    }
}
