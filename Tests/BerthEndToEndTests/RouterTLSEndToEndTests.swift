import BerthCore
import BerthTesting
import Foundation
import Testing

/// `berth server --ssl-self-signed`: the router serves only HTTPS with a certificate from the
/// workspace CA, scoring URIs say https, and the CLI scores through it trusting that CA.
@Suite(.timeLimit(.minutes(5)))
struct RouterTLSEndToEndTests {
    @Test func selfSignedServerScoresOverHTTPS() async throws {
        let folder = try TemporaryDirectory("berth-tls")
        defer { folder.remove() }
        let home = folder.appending("home")
        let server = try await BerthServer.start(home: home, extraArguments: ["--ssl-self-signed"])
        do {
            let router = try #require(server.info.routerURL)
            #expect(router.hasPrefix("https://127.0.0.1:"), "\(router)")
            let caFile = try #require(server.info.routerCAFile)
            #expect(FileManager.default.fileExists(atPath: caFile))
            let keyFile = URL(fileURLWithPath: caFile).deletingLastPathComponent().appendingPathComponent("ca-key.pem")
            let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o777 } == 0o600)

            try await berth(
                "computetarget", "create", "local", "-n", "mylocal", "--cluster-purpose", "DevTest", "--cores", "4",
                "--memory-gb", "8", home: home)
            let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
            try await berth("model", "register", "-n", "echo-model", "-p", model.path, home: home)
            let deployed = try await BerthCLI.run(
                [
                    "model", "deploy", "-n", "tls-svc", "-m", "echo-model:1", "--ic",
                    TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path, "--ct", "mylocal",
                ], home: home)
            try #require(deployed.succeeded, "\(deployed)")
            let service = try await berthJSON(Webservice.self, "service", "show", "-n", "tls-svc", home: home)
            #expect(service.scoringUri?.hasPrefix("https://") == true, "\(service.scoringUri ?? "")")
            let scored = try await berth("service", "run", "-n", "tls-svc", "-d", #"{"over": "tls"}"#, home: home)
            #expect(scored.stdout.contains("over"), "\(scored)")

            // The same port does not answer plain HTTP.
            let port = try #require(router.split(separator: ":").last.flatMap { Int($0) })
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            try socket.send(Data("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let answer = String(decoding: socket.receive(timeout: .seconds(5)) { _ in false }, as: UTF8.self)
            #expect(!answer.contains("HTTP/1.1 200"))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// `--admin-host` beyond loopback is allowed with TLS, and then the admin API speaks only TLS.
    @Test func adminAPIBeyondLoopbackIsServedOverTLS() async throws {
        let folder = try TemporaryDirectory("berth-admin-tls")
        defer { folder.remove() }
        let home = folder.appending("home")
        let server = try await BerthServer.start(
            home: home, extraArguments: ["--ssl-self-signed", "--admin-host", "0.0.0.0"])
        do {
            let admin = server.info.controlPlaneURL
            #expect(admin.hasPrefix("https://127.0.0.1:"), "\(admin)")
            // The CLI reaches it, trusting the workspace CA.
            let listed = try await berth("computetarget", "list", home: home)
            #expect(listed.succeeded)
            // Plain HTTP on the admin port gets no HTTP answer.
            let port = try #require(admin.split(separator: ":").last.flatMap { Int($0) })
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            try socket.send(Data("GET /api/v1/computes HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let answer = String(decoding: socket.receive(timeout: .seconds(5)) { _ in false }, as: UTF8.self)
            #expect(!answer.contains("HTTP/1.1 200"), "\(answer)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
