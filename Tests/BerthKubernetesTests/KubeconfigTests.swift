import BerthKubernetesAPI
import BerthTesting
import Foundation
import Testing

struct KubeconfigTests {
    static let fixtures = TestPaths.fixtures.appendingPathComponent("kubernetes")

    static let twoContexts = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev-cluster
          cluster:
            server: https://10.0.0.1:6443
            insecure-skip-tls-verify: true
        - name: prod-cluster
          cluster:
            server: https://prod.example.com
            certificate-authority: certs/ca.pem
        contexts:
        - name: dev
          context:
            cluster: dev-cluster
            user: dev-user
            namespace: ml
        - name: prod
          context:
            cluster: prod-cluster
            user: prod-user
        users:
        - name: dev-user
          user:
            token: s3cret-token
        - name: prod-user
          user:
            client-certificate: certs/client.pem
            client-key: certs/client-key.pem
        """

    /// A folder with the kubeconfig above and its certificate files beside it, in `certs/`.
    static func folder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("berth-kubeconfig")
        for name in ["ca.pem", "client.pem", "client-key.pem"] {
            _ = try folder.write(try Data(contentsOf: fixtures.appendingPathComponent(name)), to: "certs/\(name)")
        }
        _ = try folder.write(Data(twoContexts.utf8), to: "config")
        return folder
    }

    @Test("The current context gives server, token, insecure flag and namespace")
    func currentContext() throws {
        let folder = try Self.folder()
        let connection = try Kubeconfig.load(path: folder.appending("config").path)
        #expect(connection.contextName == "dev")
        #expect(connection.clusterName == "dev-cluster")
        #expect(connection.server.absoluteString == "https://10.0.0.1:6443")
        #expect(connection.bearerToken == "s3cret-token")
        #expect(connection.insecureSkipTLSVerify)
        #expect(connection.namespace == "ml")
        #expect(connection.certificateAuthorityPEM == nil)
        #expect(!connection.description.contains("s3cret"))
    }

    @Test("--context picks another context; relative files are read from the kubeconfig's folder")
    func otherContextWithFiles() throws {
        let folder = try Self.folder()
        let connection = try Kubeconfig.load(
            path: folder.appending("config").path, context: "prod", namespace: "serving")
        #expect(connection.server.absoluteString == "https://prod.example.com")
        #expect(connection.namespace == "serving")
        let ca = try Data(contentsOf: Self.fixtures.appendingPathComponent("ca.pem"))
        #expect(connection.certificateAuthorityPEM == ca)
        #expect(
            connection.clientCertificatePEM
                == (try Data(contentsOf: Self.fixtures.appendingPathComponent("client.pem"))))
        #expect(connection.clientKeyPEM != nil)
        #expect(connection.bearerToken == nil)
        #expect(connection.authentication == "client certificate")
        // The PEM really parses into a TLS configuration.
        _ = try KubernetesClient(connection: connection)
    }

    @Test("*-data fields are base64; a context without a namespace uses default")
    func inlineData() throws {
        let ca = try Data(contentsOf: Self.fixtures.appendingPathComponent("ca.pem"))
        let text = """
            {"apiVersion": "v1", "kind": "Config", "current-context": "c",
             "clusters": [{"name": "k", "cluster": {"server": "https://k:443", "certificate-authority-data": "\(ca.base64EncodedString())"}}],
             "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}],
             "users": [{"name": "u", "user": {"tokenFile": "token"}}]}
            """
        let folder = try TemporaryDirectory("berth-kubeconfig")
        _ = try folder.write(Data("from-file\n".utf8), to: "token")
        let connection = try Kubeconfig.resolve(text: text, path: "inline.json", baseDirectory: folder.url)
        #expect(connection.certificateAuthorityPEM == ca)
        #expect(connection.bearerToken == "from-file")
        #expect(connection.namespace == "default")
    }

    @Test(
        "Errors name the file and what to do",
        arguments: [
            (
                "current-context: nope\ncontexts:\n- name: a\n  context: {cluster: k}\n",
                "has no context 'nope'. Its contexts: a."
            ),
            ("contexts: []\n", "has no current-context. Pass --context"),
            (
                "current-context: a\ncontexts:\n- name: a\n  context: {cluster: k}\n",
                "names cluster 'k', which the file does not define"
            ),
            (
                "current-context: a\nclusters:\n- name: k\n  cluster: {server: 'ftp://x'}\ncontexts:\n- name: a\n  context: {cluster: k}\n",
                "has no usable server URL"
            ),
            (
                "current-context: a\nclusters:\n- name: k\n  cluster: {server: 'https://x', insecure-skip-tls-verify: true, certificate-authority-data: QQ==}\ncontexts:\n- name: a\n  context: {cluster: k}\n",
                "sets both insecure-skip-tls-verify and a certificate authority"
            ),
            (
                "current-context: a\nclusters:\n- name: k\n  cluster: {server: 'https://x'}\ncontexts:\n- name: a\n  context: {cluster: k, user: u}\nusers:\n- name: u\n  user:\n    exec: {command: aws}\n",
                "credential plugin"
            ),
            (
                "current-context: a\nclusters:\n- name: k\n  cluster: {server: 'https://x'}\ncontexts:\n- name: a\n  context: {cluster: k, user: u}\nusers:\n- name: u\n  user: {client-certificate-data: QQ==}\n",
                "without its key"
            ),
            (
                "current-context: a\nclusters:\n- name: k\n  cluster: {server: 'https://x', certificate-authority: missing.pem}\ncontexts:\n- name: a\n  context: {cluster: k}\n",
                "cannot be read. Paths are relative"
            ),
            ("clusters: {not: a list}\n", "could not be read as YAML"),
        ])
    func errors(text: String, expected: String) throws {
        let error = #expect(throws: KubernetesError.self) {
            try Kubeconfig.resolve(
                text: text, path: "/tmp/kc.yaml", baseDirectory: URL(fileURLWithPath: "/nonexistent"))
        }
        #expect(error?.code == .kubeconfig)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("/tmp/kc.yaml") == true || expected.contains("Paths"))
    }

    @Test("A missing kubeconfig file says how to check it")
    func missingFile() {
        let error = #expect(throws: KubernetesError.self) { try Kubeconfig.load(path: "/nonexistent/kubeconfig") }
        #expect(error?.message.contains("cannot be read") == true)
    }

    @Test("Certificates that are not PEM are refused when the client is made")
    func badPEM() throws {
        let connection = KubernetesConnection(
            contextName: "c", clusterName: "k", server: URL(string: "https://k:443")!,
            certificateAuthorityPEM: Data("not pem".utf8))
        #expect(throws: KubernetesError.self) { try KubernetesClient(connection: connection) }
    }
}

struct KubeconfigFlattenTests {
    @Test("A flattened kubeconfig resolves to the same connection without the original files")
    func roundTrip() throws {
        let folder = try KubeconfigTests.folder()
        let original = try Kubeconfig.load(path: folder.appending("config").path, context: "prod", namespace: "serving")
        let flattened = original.flattenedKubeconfig
        #expect(!flattened.contains("certs/"))
        let again = try Kubeconfig.resolve(
            text: flattened, path: "flattened", baseDirectory: URL(fileURLWithPath: "/nonexistent"))
        #expect(again == original)
    }
}
