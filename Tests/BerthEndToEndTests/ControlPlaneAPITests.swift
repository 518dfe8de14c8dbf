import BerthCore
import BerthTesting
import Foundation
import NIOHTTP1
import Testing

/// The control-plane API of a real server: the admin token guards every call, and bad input gets
/// a 4xx with the JSON error body `{"error": {"code", "message", "requestId"}}`.
struct ControlPlaneAPITests {
    @Test(.timeLimit(.minutes(3)))
    func adminTokenFileIsPrivate() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let server = try await BerthServer.start(home: folder.appending("home"))
        let attributes = try FileManager.default.attributesOfItem(atPath: server.layout.adminTokenFile.path)
        let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue
        #expect(mode & 0o777 == 0o600)
        let token = try server.adminToken()
        #expect(token.count >= 40)
        let root = try FileManager.default.attributesOfItem(atPath: server.home.path)
        #expect(try #require(root[.posixPermissions] as? NSNumber).intValue & 0o077 == 0)

        // SIGTERM is a clean stop: exit status 0, and server.json no longer names a dead server.
        let exit = await server.stop()
        #expect(exit == ChildProcess.Exit.exited(0))
        #expect(!FileManager.default.fileExists(atPath: server.layout.serverInfoFile.path))

        // A restart keeps the token.
        let again = try await BerthServer.start(home: folder.appending("home"))
        #expect(try again.adminToken() == token)
        await again.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func aSecondServerOnTheSameWorkspaceIsRefused() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let home = folder.appending("home")
        let server = try await BerthServer.start(home: home)
        let second = try await BerthCLI.run(["server", "--home", home.path, "--port", "0", "--router-port", "0"])
        #expect(second.exitCode == 1, "\(second)")
        #expect(
            second.stderr.contains(
                "Another Berth server already runs on the workspace '\(home.path)' (pid \(server.process.pid), "
                    + "\(server.baseURL)). Stop it first, or give this one another --home."
            ),
            "\(second)"
        )
        // The first server still answers through its own server.json.
        let models = try await BerthCLI.run(["model", "list", "-o", "json"], home: home)
        #expect(models.succeeded, "\(models)")
        #expect(server.process.exit == nil)
        await server.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func bytesThatAreNotHTTPGet400WithAJSONBody() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let server = try await BerthServer.start(home: folder.appending("home"))
        for bytes in ["GARBAGE\r\n\r\n", "POST /api/v1/models HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"] {
            let socket = try RawSocket(url: server.baseURL)
            defer { socket.close() }
            try socket.send(Data(bytes.utf8))
            let text = String(decoding: socket.receive { _ in false }, as: UTF8.self)  // until it closes
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(bytes.debugDescription) → \(text)")
            #expect(text.lowercased().contains("content-type: application/json"))
            #expect(text.contains(#""code":"BadRequest""#) && text.contains("not valid HTTP"), "\(text)")
        }
        let after = try await TestHTTP.get(server.baseURL + "/api/v1/models")
        #expect(after.status == 401, "the server still answers")
        await server.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func callsWithoutTheTokenGet401WithAJSONBody() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let server = try await BerthServer.start(home: folder.appending("home"))
        let token = try server.adminToken()

        for path in ["/api/v1/models", "/api/v1/computes", "/api/v1/operations/x", "/api/v1/nothing-here"] {
            let response = try await TestHTTP.get(server.baseURL + path)
            #expect(response.status == 401, "\(path)")
            let error = try Self.errorBody(response)
            #expect(error.code == "Unauthorized")
            #expect(error.message.contains("Authorization: Bearer"))
            #expect(response.header("x-ms-request-id") == error.requestId)
            #expect(response.header("content-type")?.hasPrefix("application/json") == true)
        }

        let wrong = try await TestHTTP.get(
            server.baseURL + "/api/v1/models", headers: [("Authorization", "Bearer not-the-token")]
        )
        #expect(wrong.status == 401)
        let wrongError = try Self.errorBody(wrong)
        #expect(wrongError.message.contains("The admin token is wrong"))
        #expect(!wrong.text.contains(token))
        #expect(!wrong.text.contains("not-the-token"))

        let post = try await TestHTTP.post(server.baseURL + "/api/v1/computes", #"{"name": "prod-1"}"#)
        #expect(post.status == 401)

        let authorized = try await TestHTTP.get(
            server.baseURL + "/api/v1/models", headers: [("Authorization", "Bearer \(token)")]
        )
        #expect(authorized.status == 200)
        #expect((try authorized.json() as? [String: Any])?["value"] as? [Any] != nil)

        let clientID = "client-\(UUID().uuidString)"
        let echoed = try await TestHTTP.get(
            server.baseURL + "/api/v1/models",
            headers: [("Authorization", "Bearer \(token)"), ("x-ms-request-id", clientID)]
        )
        #expect(echoed.header("x-ms-request-id") == clientID)

        let openAPI = try await TestHTTP.get(server.baseURL + "/openapi.json")
        #expect(openAPI.status == 200)
        let paths = try #require((try openAPI.json() as? [String: Any])?["paths"] as? [String: Any])
        #expect(paths["/api/v1/models"] != nil)
        #expect(paths["/api/v1/computes"] != nil)
        for path in [
            "/api/v1/services", "/api/v1/services/{name}", "/api/v1/services/{name}/keys",
            "/api/v1/services/{name}/regenerateKeys", "/api/v1/services/{name}/logs", "/api/v1/operations/{id}",
        ] {
            #expect(paths[path] != nil, "openapi.json lacks \(path)")
        }

        #expect(!server.log.contains(token))
        await server.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func badInputGets4xxWithAJSONBody() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let server = try await BerthServer.start(home: folder.appending("home"))
        let auth = [("Authorization", "Bearer \(try server.adminToken())"), ("Content-Type", "application/json")]

        let cases: [(method: String, path: String, body: String?, status: Int, code: String, says: String)] = [
            ("POST", "/api/v1/computes", "not json", 400, "BadRequest", "request body"),
            ("POST", "/api/v1/computes", nil, 400, "BadRequest", "empty"),
            ("POST", "/api/v1/computes", #"{"name": 5}"#, 400, "BadRequest", "'name'"),
            ("POST", "/api/v1/computes", #"{"name": "1-bad"}"#, 400, "InvalidName", "compute target name"),
            (
                "POST", "/api/v1/computes", #"{"name": "small-1", "agentCount": 1}"#, 422, "InsufficientCapacity",
                "at least 12 vCPUs"
            ),
            (
                "POST", "/api/v1/computes", #"{"name": "k8s-1", "computeType": "Kubernetes"}"#, 400, "BadRequest",
                "attached, not created"
            ),
            (
                "POST", "/api/v1/computes", #"{"name": "x-1", "clusterPurpose": "Prod"}"#, 400, "BadRequest",
                "Cluster purpose 'Prod'"
            ),
            ("GET", "/api/v1/computes/nope-1", nil, 404, "NotFound", "'nope-1'"),
            ("POST", "/api/v1/models", #"{"name": "m", "files": []}"#, 400, "BadRequest", "no files"),
            (
                "POST", "/api/v1/models",
                #"{"name": "m", "files": [{"path": "../x", "digest": "sha256:00", "sizeBytes": 1}]}"#, 400,
                "BadRequest", "'../x'"
            ),
            (
                "POST", "/api/v1/models",
                #"{"name": "m", "files": [{"path": "x", "digest": "sha256:00", "sizeBytes": 1}]}"#, 400,
                "BadRequest", "were not uploaded"
            ),
            ("GET", "/api/v1/models/m:0", nil, 400, "InvalidName", "invalid version"),
            ("GET", "/api/v1/models/nope:1", nil, 404, "NotFound", "'nope:1'"),
            ("DELETE", "/api/v1/models/nope:1", nil, 404, "NotFound", "'nope:1'"),
            ("GET", "/api/v1/artifacts/sha256:00", nil, 404, "NotFound", "No artifact"),
            ("GET", "/api/v1/operations/nope", nil, 404, "NotFound", "Operation 'nope'"),
            ("GET", "/api/v1/no-such-route", nil, 404, "NotFound", "No API route matches"),
            (
                "DELETE", "/api/v1/computes/nope-1?underlyingResourceAction=explode", nil, 400, "BadRequest",
                "underlyingResourceAction"
            ),
        ]
        for item in cases {
            let response = try await Self.call(item.method, server.baseURL + item.path, headers: auth, body: item.body)
            let label = "\(item.method) \(item.path) \(item.body ?? "")"
            #expect(response.status == item.status, "\(label): \(response.text)")
            let error = try Self.errorBody(response)
            #expect(error.code == item.code, "\(label)")
            #expect(error.message.contains(item.says), "\(label): \(error.message)")
            #expect(!error.requestId.isEmpty, "\(label)")
        }
        // Nothing refused was created.
        let computes = try await TestHTTP.get(server.baseURL + "/api/v1/computes", headers: auth)
        #expect(((try computes.json() as? [String: Any])?["value"] as? [Any])?.isEmpty == true)
        await server.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func uploadWithAWrongAnnouncedDigestIsRefusedAndNotStored() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let server = try await BerthServer.start(home: folder.appending("home"))
        let token = try server.adminToken()
        let wrong = "sha256:" + String(repeating: "0", count: 64)
        let response = try await TestHTTP.post(
            server.baseURL + "/api/v1/artifacts",
            "abc",
            headers: [("Authorization", "Bearer \(token)"), ("x-berth-digest", wrong)]
        )
        #expect(response.status == 400)
        #expect(try Self.errorBody(response).message.contains("the upload was damaged"))
        let abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        let download = try await TestHTTP.get(
            server.baseURL + "/api/v1/artifacts/\(abc)", headers: [("Authorization", "Bearer \(token)")]
        )
        #expect(download.status == 404)
        let temporary = server.layout.artifacts.appendingPathComponent("tmp")
        #expect((try FileManager.default.contentsOfDirectory(atPath: temporary.path)).isEmpty)
        await server.stop()
    }

    struct ErrorBody: Decodable {
        var code: String
        var message: String
        var requestId: String
    }

    static func errorBody(_ response: TestResponse) throws -> ErrorBody {
        struct Envelope: Decodable { var error: ErrorBody }
        return try JSONDecoder().decode(Envelope.self, from: Data(response.text.utf8)).error
    }

    /// One call of the table-driven cases; a nil body sends an empty one.
    static func call(_ method: String, _ url: String, headers: [(String, String)], body: String?) async throws
        -> TestResponse
    {
        switch method {
        case "POST": try await TestHTTP.post(url, body ?? "", headers: headers)
        case "DELETE": try await TestHTTP.send(.DELETE, url, headers: headers)
        default: try await TestHTTP.get(url, headers: headers)
        }
    }
}

/// An upload the client abandons half-way publishes nothing and leaves no temporary file.
struct InterruptedUploadTests {
    @Test(.timeLimit(.minutes(3)))
    func aCutOffUploadLeavesNoPartialObject() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let server = try await BerthServer.start(home: folder.appending("home"))
        let head = """
            POST /api/v1/artifacts HTTP/1.1\r
            Host: 127.0.0.1\r
            Authorization: Bearer \(try server.adminToken())\r
            Content-Type: application/octet-stream\r
            Content-Length: 1000000\r
            \r

            """
        let artifacts = server.layout.artifacts
        let temporary = artifacts.appendingPathComponent("tmp")
        func temporaryFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: temporary.path)
        }
        // 64 KiB of the promised 1 MB; once the server is writing them, the connection drops.
        let socket = try RawSocket(url: server.baseURL)
        try socket.send(Data(head.utf8) + randomBytes(64 * 1024))
        var deadline = ContinuousClock.now + .seconds(30)
        while try temporaryFiles().isEmpty {
            try #require(ContinuousClock.now < deadline, "the upload never reached the artifact store")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(FileManager.default.relativeFilePaths(under: artifacts.appendingPathComponent("sha256")).isEmpty)
        socket.close()
        deadline = ContinuousClock.now + .seconds(30)
        while try !temporaryFiles().isEmpty {
            try #require(ContinuousClock.now < deadline, "the abandoned upload's temporary file is still there")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(FileManager.default.relativeFilePaths(under: artifacts.appendingPathComponent("sha256")).isEmpty)

        // The server still serves, and a complete upload works.
        let token = try server.adminToken()
        let complete = try await TestHTTP.post(
            server.baseURL + "/api/v1/artifacts", "abc", headers: [("Authorization", "Bearer \(token)")]
        )
        #expect(complete.status == 201)
        #expect(FileManager.default.relativeFilePaths(under: artifacts.appendingPathComponent("sha256")).count == 1)
        await server.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func aServerKilledMidUploadRestartsClean() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let home = folder.appending("home")
        let server = try await BerthServer.start(home: home)
        let temporary = server.layout.artifacts.appendingPathComponent("tmp")
        let socket = try RawSocket(url: server.baseURL)
        defer { socket.close() }
        try socket.send(
            Data(
                """
                POST /api/v1/artifacts HTTP/1.1\r
                Host: 127.0.0.1\r
                Authorization: Bearer \(try server.adminToken())\r
                Content-Length: 1000000\r
                \r

                """.utf8
            ) + randomBytes(64 * 1024)
        )
        let deadline = ContinuousClock.now + .seconds(30)
        while try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty {
            try #require(ContinuousClock.now < deadline, "the upload never reached the artifact store")
            try await Task.sleep(for: .milliseconds(20))
        }
        await server.kill9()
        #expect(try !FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)

        let restarted = try await BerthServer.start(home: home)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
        let blobs = server.layout.artifacts.appendingPathComponent("sha256")
        #expect(FileManager.default.relativeFilePaths(under: blobs).isEmpty)
        await restarted.stop()
    }
}
