import AsyncHTTPClient
import BerthCore
import BerthTLS
import BerthTesting
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// TLS per compute target (Azure's `sslConfiguration`): one router port serves a TLS compute's
/// services over https only, with the certificate the client's SNI asks for, and a plain
/// compute's over http; certificates are enabled, refused, replaced and disabled while it runs.
@Suite(.timeLimit(.minutes(5)))
struct ComputeTLSEndToEndTests {
    @Test func aComputeWithTLSIsScoredOverHTTPSOnlyBesideAPlainOne() async throws {
        let folder = try TemporaryDirectory("berth-compute-tls")
        defer { folder.remove() }
        let home = folder.appending("home")
        let server = try await BerthServer.start(home: home)
        do {
            try await berth(
                "computetarget", "create", "local", "-n", "secure", "--cluster-purpose", "DevTest", "--cores", "4",
                "--memory-gb", "8", "--ssl-self-signed", home: home)
            try await berth(
                "computetarget", "create", "local", "-n", "plain", "--cluster-purpose", "DevTest", "--cores", "4",
                "--memory-gb", "8", home: home)
            let secure = try await berthJSON(ComputeTarget.self, "computetarget", "show", "-n", "secure", home: home)
            let tls = try #require(secure.sslConfiguration)
            #expect(tls.status == .auto && tls.cname == "localhost")
            let keyFile = home.appendingPathComponent("tls/computes/secure/key.pem")
            let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o777 } == 0o600)

            let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
            try await berth("model", "register", "-n", "echo-model", "-p", model.path, home: home)
            let config = TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path
            for (service, compute) in [("secure-svc", "secure"), ("plain-svc", "plain")] {
                try await berth(
                    "model", "deploy", "-n", service, "-m", "echo-model:1", "--ic", config, "--ct", compute,
                    home: home)
            }
            let secureService = try await berthJSON(Webservice.self, "service", "show", "-n", "secure-svc", home: home)
            let secureURI = try #require(secureService.scoringUri)
            #expect(secureURI.hasPrefix("https://localhost:"), "\(secureURI)")
            let plainService = try await berthJSON(Webservice.self, "service", "show", "-n", "plain-svc", home: home)
            let plainURI = try #require(plainService.scoringUri)
            #expect(plainURI.hasPrefix("http://127.0.0.1:"), "\(plainURI)")

            // An endpoint on the TLS compute is scored through the cname too.
            try await berth(
                "endpoint", "create", "-n", "secure-ep", "--ct", "secure", "-m", "echo-model:1", "--ic", config,
                "--version-name", "blue", home: home)
            let endpoints = try await berthJSON([Endpoint].self, "endpoint", "list", home: home)
            let endpointURI = try #require(endpoints.first?.scoringUri)
            #expect(endpointURI.hasPrefix("https://localhost:"), "\(endpointURI)")

            // The CLI scores both: https with the workspace CA's certificate for localhost, and http.
            let scored = try await berth("service", "run", "-n", "secure-svc", "-d", #"{"over": "tls"}"#, home: home)
            #expect(scored.stdout.contains("over"), "\(scored)")
            try await berth("service", "run", "-n", "plain-svc", "-d", #"{"over": "http"}"#, home: home)

            // Plain HTTP to the TLS compute's service, on the same port: 403 before any key check.
            let keys = try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", "secure-svc", home: home)
            let overHTTP = secureURI.replacingOccurrences(of: "https://localhost", with: "http://127.0.0.1")
            let refused = try await TestHTTP.post(
                overHTTP, #"{"x": 1}"#,
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(keys.primaryKey)")])
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.text.contains("https_required"), "\(refused.text)")

            // A certificate for another name is refused, naming both; the compute keeps what it had.
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder.appending("other-ca"))
            let other = try authority.issueServerCertificate(dnsNames: ["other.example"])
            let certFile = try folder.write(Data(other.certificateChainPEM.utf8), to: "other/cert.pem")
            let keyOfOther = try folder.write(Data(other.privateKeyPEM.utf8), to: "other/key.pem")
            let mismatch = try await BerthCLI.run(
                [
                    "computetarget", "update", "-n", "plain", "--ssl-cname", "localhost", "--ssl-cert-pem-file",
                    certFile.path, "--ssl-key-pem-file", keyOfOther.path,
                ], home: home)
            #expect(!mismatch.succeeded)
            #expect(mismatch.stderr.contains("other.example") && mismatch.stderr.contains("localhost"), "\(mismatch)")
            let incomplete = try await BerthCLI.run(
                [
                    "computetarget", "update", "-n", "plain", "--ssl-cname", "localhost", "--ssl-cert-file",
                    certFile.path,
                ],
                home: home)
            #expect(incomplete.stderr.contains("not all ssl information provided"), "\(incomplete)")
            let stillPlain = try await berthJSON(ComputeTarget.self, "computetarget", "show", "-n", "plain", home: home)
            #expect(stillPlain.sslConfiguration == nil)

            // The user's own certificate for its cname: served to clients that ask for that name.
            let own = try authority.issueServerCertificate(dnsNames: ["plain.example"])
            let ownCert = try folder.write(Data(own.certificateChainPEM.utf8), to: "own/cert.pem")
            let ownKey = try folder.write(Data(own.privateKeyPEM.utf8), to: "own/key.pem")
            try await berth(
                "computetarget", "update", "-n", "plain", "--ssl-cname", "plain.example", "--ssl-cert-pem-file",
                ownCert.path, "--ssl-key-pem-file", ownKey.path, home: home)
            let port = try #require(URLComponents(string: plainURI)?.port)
            let served = try await Self.servedNames(port: port, serverName: "plain.example", trusting: authority)
            #expect(served != 403, "the route saw the request as plain HTTP")
            let updated = try await berthJSON(Webservice.self, "service", "show", "-n", "plain-svc", home: home)
            #expect(updated.scoringUri?.hasPrefix("https://plain.example:") == true, "\(updated.scoringUri ?? "")")

            // Disabled: the service is scored over plain HTTP again, without a redeploy.
            try await berth("computetarget", "update", "-n", "secure", "--ssl-disable", home: home)
            let reverted = try await berthJSON(Webservice.self, "service", "show", "-n", "secure-svc", home: home)
            #expect(reverted.scoringUri?.hasPrefix("http://127.0.0.1:") == true, "\(reverted.scoringUri ?? "")")
            try await berth("service", "run", "-n", "secure-svc", "-d", #"{"over": "http again"}"#, home: home)
            #expect(!FileManager.default.fileExists(atPath: keyFile.path))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The status of `GET /api/v1/service/plain-svc/swagger.json` over TLS to 127.0.0.1:`port`,
    /// asking for `serverName` and trusting only `authority`: the handshake fails unless the
    /// router serves the certificate for that name.
    static func servedNames(port: Int, serverName: String, trusting authority: WorkspaceCertificateAuthority)
        async throws -> Int
    {
        var tls = try TLSConfiguration.makeClientConfiguration(
            trustingCertificateAuthorityPEM: authority.certificatePEM)
        tls.certificateVerification = .fullVerification
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.dnsOverride = [serverName: "127.0.0.1"]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await TestHTTP.send(
                .GET, "https://\(serverName):\(port)/api/v1/service/plain-svc/swagger.json", client: client)
            try await client.shutdown()
            return response.status
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
