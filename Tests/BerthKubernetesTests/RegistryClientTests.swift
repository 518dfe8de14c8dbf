import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The environment-image check against a real registry (Debian's `docker-registry`, when it is
/// installed) and, for token authentication, against the registry double.
struct RegistryClientTests {
    static let registryBinary = "/usr/bin/docker-registry"

    @Test(
        "A real registry: an image pushed over its HTTP API is found by tag, another tag is not",
        .enabled(if: FileManager.default.isExecutableFile(atPath: registryBinary)), .timeLimit(.minutes(1)))
    func realRegistry() async throws {
        let folder = try TemporaryDirectory("berth-registry")
        defer { folder.remove() }
        let config = try folder.write(
            Data(
                "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(folder.appending("data").path)\nhttp:\n  addr: 127.0.0.1:0\n"
                    .utf8),
            to: "config.yml")
        let log = folder.appending("registry.log")
        let registry = try ChildProcess(
            executable: URL(fileURLWithPath: Self.registryBinary), arguments: ["serve", config.path],
            stdoutFile: folder.appending("registry.out"), stderrFile: log)
        do {
            try await Self.check(registryLog: log)
        } catch {
            _ = await registry.terminate(grace: .seconds(2))
            throw error
        }
        _ = await registry.terminate(grace: .seconds(2))
    }

    /// Waits for the registry to listen, pushes an image to it and looks for it.
    static func check(registryLog log: URL) async throws {
        var address: String?
        let listening = try await PodRunnerTests.waitFor {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard let range = text.range(of: "listening on 127.0.0.1:") else { return false }
            address = "127.0.0.1:" + text[range.upperBound...].prefix { $0.isNumber }
            return true
        }
        try #require(listening, "the registry did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let base = "http://\(try #require(address))"
        try await Self.push(to: base, tag: "0123abcd")

        let client = RegistryClient(settings: try RegistrySettings(registry: base))
        #expect(try await client.hasImage(tag: "0123abcd"))
        #expect(try await client.hasImage(tag: "feedbeef") == false)
        #expect(client.settings.image(environmentHash: "0123abcd") == "\(try #require(address))/berth/env:0123abcd")
    }

    /// Pushes a one-layer image to `berth/env:tag` with the registry's blob-upload and manifest API.
    static func push(to base: String, tag: String) async throws {
        let config = ("{}", "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        let layer = ("berth test layer\n", "sha256:2ad0c45034b012a76d2906b27ffd8ee2a8346628bc264cbae5087b6205e71d2a")
        for (body, digest) in [config, layer] {
            let started = try await TestHTTP.send(.POST, "\(base)/v2/berth/env/blobs/uploads/")
            try #require(started.status == 202, "\(started.status) \(started.text)")
            let location = try #require(started.header("Location"))
            let upload = location.hasPrefix("http") ? location : base + location
            let separator = upload.contains("?") ? "&" : "?"
            let put = try await TestHTTP.send(
                .PUT, "\(upload)\(separator)digest=\(digest)", headers: [("Content-Type", "application/octet-stream")],
                body: .init(string: body))
            try #require(put.status == 201, "\(put.status) \(put.text)")
        }
        let manifest = """
            {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
             "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2, "digest": "\(config.1)"},
             "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": \(layer.0.utf8.count), "digest": "\(layer.1)"}]}
            """
        let put = try await TestHTTP.send(
            .PUT, "\(base)/v2/berth/env/manifests/\(tag)",
            headers: [("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")],
            body: .init(string: manifest))
        try #require(put.status == 201, "\(put.status) \(put.text)")
    }

    @Test(
        "A Bearer challenge is answered with a token from the realm, fetched with the credentials (registry double)",
        .timeLimit(.minutes(1)))
    func bearerChallenge() async throws {
        let configuration = RegistryDouble.Configuration(
            username: "berth", password: "s3cret", images: ["berth/env:0123abcd"])
        try await RegistryDouble.withRunning(configuration) { url in
            let good = RegistryClient(
                settings: try RegistrySettings(registry: url, credentials: .init(username: "berth", password: "s3cret"))
            )
            #expect(try await good.hasImage(tag: "0123abcd"))
            #expect(try await good.hasImage(tag: "feedbeef") == false)
            let wrong = RegistryClient(
                settings: try RegistrySettings(registry: url, credentials: .init(username: "berth", password: "nope")))
            let refused = await #expect(throws: KubernetesError.self) { try await wrong.hasImage(tag: "0123abcd") }
            #expect(refused?.message.contains("BERTH_KUBERNETES_REGISTRY_CREDENTIALS") == true)
            #expect(refused?.message.contains("nope") == false, "no secret in the message")
        }
    }

    @Test("Settings: a host means HTTPS, http:// is kept; credentials must be 0600; the pull secret carries them")
    func settings() throws {
        let acr = try RegistrySettings(registry: "myregistry.azurecr.io")
        #expect(acr.baseURL == "https://myregistry.azurecr.io" && acr.host == "myregistry.azurecr.io")
        #expect(acr.dockerConfigJSON == nil)
        #expect(throws: KubernetesError.self) { try RegistrySettings(registry: "host/with/path") }
        let folder = try TemporaryDirectory("berth-registry-settings")
        defer { folder.remove() }
        let file = try folder.write(Data(#"{"username": "u", "password": "p"}"#.utf8), to: "credentials.json")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let open = #expect(throws: KubernetesError.self) { try RegistrySettings.credentials(atPath: file.path) }
        #expect(open?.message.contains("chmod 600") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let credentials = try RegistrySettings.credentials(atPath: file.path)
        let settings = try RegistrySettings(registry: "http://127.0.0.1:5000", credentials: credentials)
        let config = try JSONValue(parsing: Data(try #require(settings.dockerConfigJSON).utf8))
        #expect(config["auths"]?["127.0.0.1:5000"]?["auth"] == .string(Data("u:p".utf8).base64EncodedString()))
    }
}

/// Pods pull a registry's environment images with its credentials.
struct ImagePullSecretTests {
    @Test("With registry credentials, a dockerconfigjson Secret is made and the Pods name it in imagePullSecrets")
    func pullSecret() throws {
        let workload = ManifestSamples.pulledWithCredentials
        let secret = try #require(ReplicaManifests.pullSecret(workload))
        #expect(secret["type"] == "kubernetes.io/dockerconfigjson")
        #expect(secret["metadata"]?["name"] == "berth-diabetes-registry")
        #expect(secret["stringData"]?[".dockerconfigjson"]?.stringValue == workload.registryConfigJSON)
        let pod = ReplicaManifests.deployment(workload)["spec"]?["template"]?["spec"]
        #expect(pod?["imagePullSecrets"] == [["name": "berth-diabetes-registry"]])
        #expect(ReplicaManifests.all(workload).contains { $0["metadata"]?["name"] == "berth-diabetes-registry" })

        let plain = ManifestSamples.workload()
        #expect(ReplicaManifests.pullSecret(plain) == nil)
        #expect(ReplicaManifests.deployment(plain)["spec"]?["template"]?["spec"]?["imagePullSecrets"] == nil)
    }
}
