import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Synchronization
import Testing

/// The API client against the API double over real HTTP on loopback.
@Suite(.validatesSentObjects)
struct KubernetesClientTests {
    static func configMap(_ name: String, namespace: String = "default", data: JSONValue = ["a": "1"]) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["app": "x"]], "data": data,
        ]
    }

    @Test("/version answers", .timeLimit(.minutes(1)))
    func version() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let version = try await double.client().version()
            #expect(version["gitVersion"] == "v1.31.0-berth-double")
        }
    }

    @Test("Create, get, list by label, merge-patch and delete", .timeLimit(.minutes(1)))
    func crud() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            let created = try await client.create(Self.configMap("one"))
            #expect(created["metadata"]?["uid"]?.stringValue?.isEmpty == false)
            #expect(created["metadata"]?["resourceVersion"] != nil)
            try await client.create(Self.configMap("two"))
            let got = try await client.get(.configMaps, namespace: "default", name: "one")
            #expect(got["data"] == ["a": "1"])
            let list = try await client.list(.configMaps, namespace: "default", labelSelector: "app=x")
            #expect(list["items"]?.arrayValue?.count == 2)
            #expect(try await client.list(.configMaps, namespace: "default", labelSelector: "app=y")["items"] == [])
            let patched = try await client.mergePatch(
                .configMaps, namespace: "default", name: "one", patch: ["data": ["a": nil, "b": "2"]])
            #expect(patched["data"] == ["b": "2"])
            #expect(try await client.delete(.configMaps, namespace: "default", name: "one"))
            #expect(try await client.delete(.configMaps, namespace: "default", name: "one") == false)
            #expect(try await client.getIfPresent(.configMaps, namespace: "default", name: "one") == nil)
        }
    }

    @Test("Status bodies become errors with the API server's reason and message", .timeLimit(.minutes(1)))
    func statusErrors() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            try await client.create(Self.configMap("dup"))
            let exists = await #expect(throws: KubernetesError.self) { try await client.create(Self.configMap("dup")) }
            #expect(exists?.code == .conflict)
            #expect(exists?.reason == "AlreadyExists")
            #expect(exists?.httpStatus == 409)
            #expect(exists?.berthError.code == .alreadyExists)
            let missing = await #expect(throws: KubernetesError.self) {
                try await client.get(.deployments, namespace: "default", name: "nope")
            }
            #expect(missing?.code == .notFound)
            #expect(missing?.message.contains("deployments \"nope\" not found") == true)
            let invalid = await #expect(throws: KubernetesError.self) {
                try await client.create(Self.configMap("Bad_Name"))
            }
            #expect(invalid?.code == .invalid)
            #expect(invalid?.httpStatus == 422)
            let noNamespace = await #expect(throws: KubernetesError.self) {
                try await client.create(Self.configMap("x", namespace: "absent"))
            }
            #expect(noNamespace?.message.contains("namespaces \"absent\" not found") == true)
        }
    }

    @Test("createOrReplace converges; a stale resourceVersion is a conflict", .timeLimit(.minutes(1)))
    func replace() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            let first = try await client.createOrReplace(Self.configMap("c", data: ["v": "1"]))
            let second = try await client.createOrReplace(Self.configMap("c", data: ["v": "2"]))
            #expect(second["data"] == ["v": "2"])
            #expect(second["metadata"]?["uid"] == first["metadata"]?["uid"])
            #expect(second["metadata"]?["resourceVersion"] != first["metadata"]?["resourceVersion"])
            guard case .object(var stale) = first, case .object(var metadata)? = stale["metadata"] else { return }
            metadata["resourceVersion"] = first["metadata"]?["resourceVersion"]
            stale["metadata"] = .object(metadata)
            let error = await #expect(throws: KubernetesError.self) {
                try await client.replace(.object(stale))
            }
            #expect(error?.code == .conflict)
            #expect(error?.reason == "Conflict")
        }
    }

    @Test("The scale subresource sets a Deployment's replicas", .timeLimit(.minutes(1)))
    func scale() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            try await client.create(ReplicaManifests.deployment(ManifestSamples.workload()).withNamespace("default"))
            try await client.scaleDeployment(namespace: "default", name: "berth-diabetes", replicas: 5)
            let scale = try await client.get(
                .deployments, namespace: "default", name: "berth-diabetes", subresource: "scale")
            #expect(scale["kind"] == "Scale")
            #expect(scale["spec"]?["replicas"] == 5)
            let deployment = try await client.get(.deployments, namespace: "default", name: "berth-diabetes")
            #expect(deployment["spec"]?["replicas"] == 5)
        }
    }

    @Test("A watch from a list's resourceVersion sees later changes in order", .timeLimit(.minutes(1)))
    func watch() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            try await client.create(Self.configMap("before"))
            let list = try await client.list(.configMaps, namespace: "default")
            let version = list["metadata"]?["resourceVersion"]?.stringValue
            try await client.create(Self.configMap("w"))
            try await client.mergePatch(.configMaps, namespace: "default", name: "w", patch: ["data": ["a": "2"]])
            try await client.delete(.configMaps, namespace: "default", name: "w")
            let seen = Mutex<[String]>([])
            try await client.watch(.configMaps, namespace: "default", resourceVersion: version, timeoutSeconds: 20) {
                event in
                let name = event.object["metadata"]?["name"]?.stringValue ?? "?"
                return seen.withLock {
                    $0.append("\(event.type) \(name)")
                    return $0.count < 3
                }
            }
            #expect(seen.withLock { $0 } == ["ADDED w", "MODIFIED w", "DELETED w"])
        }
    }

    @Test("Deleting a namespace deletes what it holds", .timeLimit(.minutes(1)))
    func namespaceCascade() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            try await client.create(RouterManifests.namespace("scratch", compute: "c"))
            try await client.create(Self.configMap("inside", namespace: "scratch"))
            try await client.delete(.namespaces, namespace: nil, name: "scratch")
            #expect(double.object(kind: "ConfigMap", namespace: "scratch", name: "inside") == nil)
        }
    }
}

extension JSONValue {
    /// The manifest moved to `namespace`.
    func withNamespace(_ namespace: String) -> JSONValue {
        guard case .object(var members) = self, case .object(var metadata)? = members["metadata"] else { return self }
        metadata["namespace"] = .string(namespace)
        members["metadata"] = .object(metadata)
        return .object(members)
    }
}
