import BerthCore
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// The double refuses to change what a real API server will not let an update change, with the
/// same 422 `Invalid` Status, and keeps what the server allocated when an update leaves it out.
@Suite(.validatesSentObjects)
struct ImmutableFieldTests {
    static func deployment(selector: JSONValue, labels: JSONValue) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "web", "namespace": "default"],
            "spec": [
                "replicas": 1, "selector": ["matchLabels": selector],
                "template": [
                    "metadata": ["labels": labels],
                    "spec": ["containers": [["name": "web", "image": "nginx"]]],
                ],
            ],
        ]
    }

    static func service(clusterIP: String? = nil, type: String = "ClusterIP", port: Double = 80) -> JSONValue {
        var spec: [String: JSONValue] = [
            "type": .string(type), "selector": ["app": "web"],
            "ports": [["name": "http", "port": .number(port), "targetPort": "http"]],
        ]
        if let clusterIP { spec["clusterIP"] = .string(clusterIP) }
        return [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web", "namespace": "default"],
            "spec": .object(spec),
        ]
    }

    @Test("The suite's trait collects what its doubles accept, for the check at its end")
    func suiteCollects() async throws {
        #expect(SentObjects.current != nil)
    }

    @Test("A Deployment's selector cannot change; the template may", .timeLimit(.minutes(1)))
    func deploymentSelector() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            try await client.create(Self.deployment(selector: ["app": "web"], labels: ["app": "web", "rev": "1"]))
            // A new template (another revision label) is a rolling update: allowed.
            try await client.createOrReplace(
                Self.deployment(selector: ["app": "web"], labels: ["app": "web", "rev": "2"]))
            let refused = await #expect(throws: KubernetesError.self) {
                try await client.createOrReplace(
                    Self.deployment(selector: ["app": "web", "rev": "2"], labels: ["app": "web", "rev": "2"]))
            }
            #expect(refused?.httpStatus == 422)
            #expect(refused?.reason == "Invalid")
            #expect(
                refused?.message.contains(
                    #"Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","rev":"2"}}: field is immutable"#
                ) == true
            )
            let kept = try await client.get(.deployments, namespace: "default", name: "web")
            #expect(kept["spec"]?["selector"] == ["matchLabels": ["app": "web"]])
        }
    }

    @Test("A Deployment's selector must select its template's labels", .timeLimit(.minutes(1)))
    func selectorMatchesTemplate() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let refused = await #expect(throws: KubernetesError.self) {
                try await double.client().create(Self.deployment(selector: ["app": "web"], labels: ["app": "api"]))
            }
            #expect(refused?.httpStatus == 422)
            #expect(refused?.message.contains("`selector` does not match template `labels`") == true)
        }
    }

    @Test("A Service gets a cluster IP that an update keeps and cannot change", .timeLimit(.minutes(1)))
    func serviceClusterIP() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            let created = try await client.create(Self.service(type: "LoadBalancer"))
            let address = try #require(created["spec"]?["clusterIP"]?.stringValue)
            #expect(address.hasPrefix("10.96."))
            #expect(created["spec"]?["clusterIPs"] == [.string(address)])
            let nodePort = try #require(created["spec"]?["ports"]?.arrayValue?.first?["nodePort"]?.numberValue)
            #expect((30_000...32_767).contains(nodePort))
            // A replace that leaves them out (as Berth's manifests do) keeps them.
            let replaced = try await client.createOrReplace(Self.service(type: "LoadBalancer"))
            #expect(replaced["spec"]?["clusterIP"]?.stringValue == address)
            #expect(replaced["spec"]?["ports"]?.arrayValue?.first?["nodePort"]?.numberValue == nodePort)
            let refused = await #expect(throws: KubernetesError.self) {
                try await client.createOrReplace(Self.service(clusterIP: "10.96.200.200", type: "LoadBalancer"))
            }
            #expect(refused?.httpStatus == 422)
            #expect(
                refused?.message.contains(
                    #"Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.200.200": may not change once set"#
                ) == true
            )
            // A headless Service keeps "None".
            let headless = try await client.create(
                Self.service(clusterIP: "None").replacingName("headless"))
            #expect(headless["spec"]?["clusterIP"] == "None")
        }
    }

    @Test("A RoleBinding's roleRef and a Secret's type cannot change", .timeLimit(.minutes(1)))
    func roleRefAndSecretType() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            func binding(role: String) -> JSONValue {
                [
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                    "metadata": ["name": "reader", "namespace": "default"],
                    "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": .string(role)],
                    "subjects": [["kind": "ServiceAccount", "name": "sa", "namespace": "default"]],
                ]
            }
            try await client.create(binding(role: "read"))
            try await client.createOrReplace(binding(role: "read"))
            let roleRef = await #expect(throws: KubernetesError.self) {
                try await client.createOrReplace(binding(role: "write"))
            }
            #expect(roleRef?.httpStatus == 422)
            #expect(
                roleRef?.message.contains(
                    #"RoleBinding.rbac.authorization.k8s.io "reader" is invalid: roleRef: Invalid value: "#) == true)
            #expect(roleRef?.message.contains("cannot change roleRef") == true, "\(String(describing: roleRef))")

            func secret(type: String) -> JSONValue {
                [
                    "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s", "namespace": "default"],
                    "type": .string(type), "stringData": [".dockerconfigjson": "{}"],
                ]
            }
            try await client.create(secret(type: "Opaque"))
            let type = await #expect(throws: KubernetesError.self) {
                try await client.createOrReplace(secret(type: "kubernetes.io/dockerconfigjson"))
            }
            #expect(
                type?.message.contains(
                    #"Secret "s" is invalid: type: Invalid value: "kubernetes.io/dockerconfigjson": field is immutable"#
                )
                    == true)
        }
    }
}

extension JSONValue {
    /// The manifest with another `metadata.name`.
    fileprivate func replacingName(_ name: String) -> JSONValue {
        guard case .object(var members) = self, case .object(var metadata)? = members["metadata"] else { return self }
        metadata["name"] = .string(name)
        members["metadata"] = .object(metadata)
        return .object(members)
    }
}
