import BerthCore
import BerthTesting
import Foundation
import Hummingbird
import NIOHTTP1
import Testing

@testable import BerthControlPlane

/// The OpenAPI document is the control plane's contract: the binary serves the committed file,
/// every route it lists is served, every other method on its paths gets 405 with `Allow`, and its
/// error codes are the ones the API can send.
struct OpenAPIDocumentTests {
    /// `openapi/berth.json` at the root of this checkout.
    static var documentFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("openapi/berth.json")
    }

    @Test("The embedded document is openapi/berth.json (run scripts/api/embed-document.sh after editing it)")
    func embeddedDocumentIsTheFile() throws {
        let file = try String(contentsOf: Self.documentFile, encoding: .utf8)
        #expect(OpenAPIDocument.json == file.trimmingCharacters(in: .newlines))
    }

    @Test("The document's ErrorCode enum is the closed set of codes the API sends")
    func errorCodesAreClosed() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let codes = try #require((schemas?["ErrorCode"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(codes) == Set(APIError.codes.map(\.rawValue)))
        #expect(codes.count == APIError.codes.count)
    }

    @Test("Declared operations are served; other methods on declared paths get 405 with Allow", .timeLimit(.minutes(2)))
    func declaredMethodsAreServed() async throws {
        let folder = try TemporaryDirectory("berth-openapi")
        defer { folder.remove() }
        try await BerthServer.withRunning(home: folder.appending("home")) { server in
            let auth = [("Authorization", "Bearer \(try server.adminToken())")]
            for (path, declared) in OpenAPIDocument.declaredMethods.sorted(by: { $0.key < $1.key }) {
                // A capture filled with a name that exists nowhere.
                let concrete = path.split(separator: "/", omittingEmptySubsequences: false).map {
                    $0.hasPrefix(":") ? "no-such-thing" : String($0)
                }.joined(separator: "/")
                for name in ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE", "QUERY"] {
                    let response = try await TestHTTP.send(
                        .init(rawValue: name), server.baseURL + concrete, headers: auth)
                    if declared.contains(where: { $0.rawValue == name }) {
                        #expect(response.status != 405, "\(name) \(path) is declared but answered 405")
                        #expect(!response.text.contains("No API route matches"), "\(name) \(path) is not served")
                    } else {
                        #expect(response.status == 405, "\(name) \(concrete) → \(response.status) \(response.text)")
                        #expect(response.header("Allow") == declared.map(\.rawValue).sorted().joined(separator: ", "))
                        let body = try #require(try response.json() as? [String: Any])
                        #expect((body["error"] as? [String: Any])?["code"] as? String == "MethodNotAllowed")
                    }
                }
            }
        }
    }

    @Test("A deploy request without 'overwrite' is a deploy that does not overwrite, as documented")
    func deployRequestOverwriteIsOptional() throws {
        let body =
            #"{"name": "svc", "computeName": "", "models": ["m:1"], "inferenceConfig": "{}", "baseDirectory": "/"}"#
        let request = try BerthJSON.decode(DeployRequest.self, from: Data(body.utf8))
        #expect(request.overwrite == false)
    }

    @Test(
        "sslConfiguration takes the document's four shapes only",
        arguments: [
            (#"{"status": "Disabled"}"#, true), (#"{"renew": true}"#, true),
            (#"{"status": "Auto", "leafDomainLabel": "scoring"}"#, true),
            (#"{"status": "Enabled", "cname": "a.example.com", "cert": "C", "key": "K"}"#, true),
            (#"{"status": "Enabled", "renew": true}"#, false), (#"{"status": "Auto"}"#, false),
            (#"{"renew": false}"#, false), (#"{"status": "disabled"}"#, false), (#"{}"#, false),
        ])
    func sslConfigurationShapes(body: String, accepted: Bool) throws {
        let ssl = try BerthJSON.decode(SSLConfigurationRequest.self, from: Data(body.utf8))
        if accepted {
            try ssl.checkShape()
        } else {
            #expect(throws: BerthError.self) { try ssl.checkShape() }
        }
    }

    @Test("Declared paths are matched literal segments first; undeclared ones are not matched")
    func requestPathsMatchTheirTemplate() {
        #expect(OpenAPIDocument.declaredMethods(forRequestPath: "/api/v1/computes/attach") == [.post])
        #expect(OpenAPIDocument.declaredMethods(forRequestPath: "/api/v1/computes/local") == [.get, .patch, .delete])
        #expect(OpenAPIDocument.declaredMethods(forRequestPath: "/api/v1/computes/") == nil)
        #expect(OpenAPIDocument.declaredMethods(forRequestPath: "/subscriptions/x") == nil)
    }

    @Test("Path parameters are percent-decoded: 'iris%3A1' is the model 'iris:1'", .timeLimit(.minutes(1)))
    func pathParametersArePercentDecoded() async throws {
        let folder = try TemporaryDirectory("berth-openapi-decode")
        defer { folder.remove() }
        try await BerthServer.withRunning(home: folder.appending("home")) { server in
            let auth = [("Authorization", "Bearer \(try server.adminToken())")]
            let response = try await TestHTTP.get(server.baseURL + "/api/v1/models/iris%3A1", headers: auth)
            #expect(response.status == 404, "\(response.text)")
            #expect(response.text.contains("iris"), "\(response.text)")
            #expect(!response.text.contains("%3A"), "\(response.text)")
        }
    }
}
