import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// Attach and detach against the API double.
@Suite(.validatesSentObjects)
struct ClusterAttachmentTests {
    static let threeSmallNodes = KubernetesAPIDouble.Configuration(nodes: [
        .init(name: "n1", cpu: "4"), .init(name: "n2", cpu: "3500m"), .init(name: "n3", cpu: "8", isReady: false),
    ])

    @Test("Allocatable vCPUs count ready nodes only, in any quantity form")
    func capacity() {
        #expect(ClusterCapacityCheck.cpuQuantity("4") == 4)
        #expect(ClusterCapacityCheck.cpuQuantity("3500m") == 3.5)
        #expect(ClusterCapacityCheck.cpuQuantity("250000000n") == 0.25)
        #expect(ClusterCapacityCheck.cpuQuantity("x") == nil)
    }

    @Test("FastProd on 7.5 ready vCPUs is refused with the numbers", .timeLimit(.minutes(1)))
    func fastProdRefused() async throws {
        try await KubernetesAPIDouble.withRunning(Self.threeSmallNodes) { double in
            let attachment = ClusterAttachment(client: try double.client())
            let error = await #expect(throws: KubernetesError.self) {
                try await attachment.attach(ManifestSamples.installation(purpose: .fastProd))
            }
            #expect(error?.code == .refused)
            #expect(
                error?.message.contains("7.50 allocatable vCPUs on 2 ready nodes (of 3)") == true,
                "\(error?.message ?? "")")
            #expect(error?.message.contains("needs at least 12") == true)
            #expect(error?.berthError.code == .insufficientCapacity)
            // Nothing was installed.
            #expect(double.object(kind: "ConfigMap", namespace: "berth-system", name: "berth-attachment") == nil)
        }
    }

    @Test(
        "DevTest attach installs the router, its RBAC and the marker; doing it again converges", .timeLimit(.minutes(1))
    )
    func devTestAttach() async throws {
        try await KubernetesAPIDouble.withRunning(Self.threeSmallNodes) { double in
            let attachment = ClusterAttachment(client: try double.client())
            let installation = ManifestSamples.installation(purpose: .devTest)
            let result = try await attachment.attach(installation)
            #expect(result.serverVersion == "v1.31.0-berth-double")
            #expect(result.allocatableCores == 7.5)
            #expect(result.readyNodes == 2)
            let router = double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router")
            #expect(router?["spec"]?["replicas"] == 1)
            #expect(double.object(kind: "Role", namespace: "ml", name: "berth-router") != nil)
            #expect(double.object(kind: "RoleBinding", namespace: "ml", name: "berth-router") != nil)
            #expect(
                double.object(kind: "Service", namespace: "berth-system", name: "berth-router")?["spec"]?["type"]
                    == "LoadBalancer")
            #expect(
                double.object(kind: "ConfigMap", namespace: "berth-system", name: "berth-attachment")?["data"]?[
                    "computeName"] == "aks1")
            _ = try await attachment.attach(installation)
            #expect(double.objects(kind: "Deployment").count == 1)
        }
    }

    @Test("FastProd attach runs two router Pods that scale on CPU (an HPA); detach removes it", .timeLimit(.minutes(1)))
    func fastProdRouterAutoscales() async throws {
        let bigNodes = KubernetesAPIDouble.Configuration(nodes: [
            .init(name: "n1", cpu: "8"), .init(name: "n2", cpu: "8"),
        ])
        try await KubernetesAPIDouble.withRunning(bigNodes) { double in
            let attachment = ClusterAttachment(client: try double.client())
            _ = try await attachment.attach(ManifestSamples.installation(purpose: .fastProd))
            let router = double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router")
            #expect(router?["spec"]?["replicas"] == 2)
            let hpa = double.object(kind: "HorizontalPodAutoscaler", namespace: "berth-system", name: "berth-router")
            #expect(hpa?["spec"]?["scaleTargetRef"]?["name"] == "berth-router")
            #expect(hpa?["spec"]?["minReplicas"] == 2)
            #expect(hpa?["spec"]?["maxReplicas"] == 10)
            try await attachment.detach(computeName: "aks1", namespace: "ml", force: false)
            #expect(
                double.object(kind: "HorizontalPodAutoscaler", namespace: "berth-system", name: "berth-router") == nil)
        }
        // DevTest: one Pod, no HPA.
        #expect(RouterManifests.horizontalPodAutoscaler(ManifestSamples.installation(purpose: .devTest)) == nil)
    }

    @Test(
        "A cluster attached under one name is refused under another, and to another workspace", .timeLimit(.minutes(1)))
    func doubleAttachRefused() async throws {
        try await KubernetesAPIDouble.withRunning(Self.threeSmallNodes) { double in
            let attachment = ClusterAttachment(client: try double.client())
            _ = try await attachment.attach(ManifestSamples.installation(purpose: .devTest))
            var renamed = ManifestSamples.installation(purpose: .devTest)
            renamed.computeName = "other"
            let sameWorkspace = await #expect(throws: KubernetesError.self) { try await attachment.attach(renamed) }
            #expect(
                sameWorkspace?.message.contains("already attached to this workspace as compute target 'aks1'") == true)
            #expect(sameWorkspace?.message.contains("berth computetarget detach -n aks1") == true)
            var foreign = ManifestSamples.installation(purpose: .devTest)
            foreign.workspaceID = "ws-2"
            let otherWorkspace = await #expect(throws: KubernetesError.self) { try await attachment.attach(foreign) }
            #expect(otherWorkspace?.message.contains("another workspace (ws-1)") == true)
        }
    }

    @Test("Detach is refused while services run unless forced, and removes what Berth made", .timeLimit(.minutes(1)))
    func detach() async throws {
        try await KubernetesAPIDouble.withRunning(Self.threeSmallNodes) { double in
            let client = try double.client()
            // The user's own namespace and object in it must survive detach.
            try await client.create(RouterManifests.namespace("ml", compute: "user").withoutLabels())
            try await client.create(KubernetesClientTests.configMap("users-own", namespace: "ml"))
            let attachment = ClusterAttachment(client: client)
            _ = try await attachment.attach(ManifestSamples.installation(purpose: .devTest))
            for manifest in ReplicaManifests.all(ManifestSamples.workload()) {
                try await client.createOrReplace(manifest)
            }
            #expect(try await attachment.deployedServices(computeName: "aks1", namespace: "ml") == ["diabetes"])
            #expect(double.object(kind: "NetworkPolicy", namespace: "ml", name: "berth-diabetes") != nil)
            let refused = await #expect(throws: KubernetesError.self) {
                try await attachment.detach(computeName: "aks1", namespace: "ml", force: false)
            }
            #expect(refused?.message.contains("Services still run on this cluster: diabetes") == true)
            #expect(refused?.message.contains("--force") == true)
            try await attachment.detach(computeName: "aks1", namespace: "ml", force: true)
            #expect(double.objects(kind: "Deployment").isEmpty)
            #expect(double.object(kind: "Secret", namespace: "ml", name: "berth-diabetes") == nil)
            #expect(double.objects(kind: "NetworkPolicy").isEmpty, "in a namespace that survives detach")
            #expect(double.object(kind: "Role", namespace: "ml", name: "berth-router") == nil)
            #expect(double.object(kind: "Namespace", namespace: nil, name: "berth-system") == nil)
            #expect(double.object(kind: "Namespace", namespace: nil, name: "ml") != nil)
            #expect(double.object(kind: "ConfigMap", namespace: "ml", name: "users-own") != nil)
            // Detached, the cluster can be attached under another name.
            var renamed = ManifestSamples.installation(purpose: .devTest)
            renamed.computeName = "aks2"
            _ = try await attachment.attach(renamed)
        }
    }
}

extension JSONValue {
    /// The manifest without `metadata.labels` (an object as a user would make it).
    func withoutLabels() -> JSONValue {
        guard case .object(var members) = self, case .object(var metadata)? = members["metadata"] else { return self }
        metadata["labels"] = nil
        members["metadata"] = .object(metadata)
        return .object(members)
    }
}
