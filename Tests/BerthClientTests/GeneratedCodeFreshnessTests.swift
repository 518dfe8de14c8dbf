import Crypto
import Foundation
import Testing

/// The code generated from `openapi/berth.json` is committed: the shared types
/// (`Sources/BerthAPITypes/Generated/`), the client (`Sources/BerthClient/Generated/`) and the
/// server (`Sources/BerthAPIServer/Generated/`). Their headers record the SHA-256 of the
/// document they came from; an edit of the document without running `scripts/api/generate.sh`
/// fails here, without building the generator.
struct GeneratedCodeFreshnessTests {
    /// The root of this checkout.
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    @Test(
        "Every generated file comes from the current openapi/berth.json (else run scripts/api/generate.sh)",
        arguments: [
            ("Sources/BerthAPITypes/Generated", "Types.swift"), ("Sources/BerthClient/Generated", "Client.swift"),
            ("Sources/BerthAPIServer/Generated", "Server.swift"),
        ])
    func generatedFilesMatchTheDocument(folder: String, expected: String) throws {
        let document = try Data(contentsOf: Self.root.appendingPathComponent("openapi/berth.json"))
        let digest = SHA256.hash(data: document).map { String(format: "%02x", $0) }.joined()
        let directory = Self.root.appendingPathComponent(folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".swift")
        }
        #expect(files.contains(expected), "\(folder) lacks \(expected)")
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let header = text.prefix { $0 != "\n" }
            #expect(
                header.contains("openapi/berth.json (sha256 \(digest))"),
                "\(folder)/\(file) was generated from another version of openapi/berth.json: run scripts/api/generate.sh"
            )
        }
    }
}
