import BerthCore
import BerthTesting
import Foundation
import Hummingbird
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
                for method in MethodNotAllowedRoutes<BasicRequestContext>.methods where method != .head {
                    let response = try await TestHTTP.send(
                        .init(rawValue: method.rawValue), server.baseURL + concrete, headers: auth)
                    if declared.contains(method) {
                        #expect(response.status != 405, "\(method) \(path) is declared but answered 405")
                        #expect(!response.text.contains("No API route matches"), "\(method) \(path) is not served")
                    } else {
                        #expect(response.status == 405, "\(method) \(concrete) → \(response.status) \(response.text)")
                        #expect(response.header("Allow") == declared.map(\.rawValue).sorted().joined(separator: ", "))
                        let body = try #require(try response.json() as? [String: Any])
                        #expect((body["error"] as? [String: Any])?["code"] as? String == "MethodNotAllowed")
                    }
                }
            }
        }
    }
}
