import Crypto
import Foundation
import Testing

/// The generated client in `Sources/BerthClient/Generated/` is committed; its headers record the
/// SHA-256 of the document they came from. An edit of `openapi/berth.json` without running
/// `scripts/api/generate.sh` fails here, without building the generator.
struct GeneratedClientFreshnessTests {
    /// The root of this checkout.
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    @Test("Every generated file comes from the current openapi/berth.json (else run scripts/api/generate.sh)")
    func generatedFilesMatchTheDocument() throws {
        let document = try Data(contentsOf: Self.root.appendingPathComponent("openapi/berth.json"))
        let digest = SHA256.hash(data: document).map { String(format: "%02x", $0) }.joined()
        let folder = Self.root.appendingPathComponent("Sources/BerthClient/Generated")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(files.contains("Client.swift") && files.contains("Types.swift"))
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let header = text.prefix { $0 != "\n" }
            #expect(
                header.contains("openapi/berth.json (sha256 \(digest))"),
                "\(file) was generated from another version of openapi/berth.json: run scripts/api/generate.sh")
        }
    }
}
