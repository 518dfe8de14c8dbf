import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// With an identity holding `deploy/rbac.yaml`'s ClusterRole, the double authorizes each request
/// as a real API server's RBAC does, including the escalation check when Berth creates the
/// router's Role: the shipped role is enough for attach, deploy, scale and detach, and each rule
/// taken out fails the step that needs it with the server's 403.
@Suite(.validatesSentObjects)
struct RBACTests {
    static let user = "system:serviceaccount:kube-system:berth-admin"

    /// The rules of the ClusterRole in `deploy/rbac.yaml` (read with PyYAML, which the tests' Python has).
    static func shippedRules() async throws -> [KubernetesAPIDouble.PolicyRule] {
        let file = TestPaths.repositoryRoot.appendingPathComponent("deploy/rbac.yaml")
        let output = try await RunToCompletion.run(
            TestPaths.fixturePython,
            ["-c", "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))", file.path])
        try #require(output.succeeded, "\(output.stderr)")
        let documents = try JSONValue(parsing: Data(output.stdout.utf8)).arrayValue ?? []
        let role = try #require(documents.first { $0["kind"] == "ClusterRole" })
        return KubernetesAPIDouble.PolicyRule.rules(of: role)
    }

    /// Attach (DevTest), deploy one replica, scale to two, detach — the backend's calls.
    static func journey(_ double: RunningKubernetesAPIDouble) async throws {
        let client = try double.client()
        let attachment = ClusterAttachment(client: client)
        let installation = ManifestSamples.installation(purpose: .devTest)
        _ = try await attachment.attach(installation)
        let backend = try KubernetesBackendTests.backend(double)
        var spec = ManifestSamples.spec(replicas: 1)
        try await backend.apply(spec)
        spec.replicas = 2
        try await backend.apply(spec)
        try await attachment.detach(
            computeName: installation.computeName, namespace: installation.deploymentNamespace, force: true)
    }

    static func configuration(_ rules: [KubernetesAPIDouble.PolicyRule]) -> KubernetesAPIDouble.Configuration {
        .init(authorization: .init(user: user, rules: rules))
    }

    @Test("deploy/rbac.yaml's ClusterRole is enough for attach, deploy, scale and detach", .timeLimit(.minutes(1)))
    func shippedRoleSuffices() async throws {
        try await KubernetesAPIDouble.withRunning(Self.configuration(try await Self.shippedRules())) { double in
            try await Self.journey(double)
            #expect(double.objects(kind: "Deployment").isEmpty)
        }
    }

    @Test("Without EndpointSlice reads, creating the router's Role is an escalation (403)", .timeLimit(.minutes(1)))
    func escalation() async throws {
        let rules = try await Self.shippedRules().filter { !$0.resources.contains("endpointslices") }
        try await KubernetesAPIDouble.withRunning(Self.configuration(rules)) { double in
            let refused = await #expect(throws: KubernetesError.self) { try await Self.journey(double) }
            #expect(refused?.httpStatus == 403)
            #expect(
                refused?.message.contains(
                    #"roles.rbac.authorization.k8s.io "berth-router" is forbidden: user "\#(Self.user)""#) == true,
                "\(String(describing: refused))")
            #expect(refused?.message.contains("attempting to grant RBAC permissions not currently held") == true)
            #expect(
                refused?.message.contains(
                    #"{APIGroups:["discovery.k8s.io"], Resources:["endpointslices"], Verbs:["get" "list" "watch"]}"#)
                    == true, "\(String(describing: refused))")
        }
    }

    @Test("Without the scale subresource, scaling is refused (403 naming verb and resource)", .timeLimit(.minutes(1)))
    func missingVerb() async throws {
        let rules = try await Self.shippedRules().filter { !$0.resources.contains("deployments/scale") }
        try await KubernetesAPIDouble.withRunning(Self.configuration(rules)) { double in
            // The backend says which permission is missing, with the server's message.
            let refused = await #expect(throws: (any Error).self) { try await Self.journey(double) }
            let message = refused.map { "\($0)" } ?? ""
            #expect(message.contains("(403 Forbidden)"), "\(message)")
            #expect(
                message.contains(
                    #"User "\#(Self.user)" cannot patch resource "deployments/scale" in API group "apps" in the namespace "default""#
                ), "\(message)")
        }
    }
}
