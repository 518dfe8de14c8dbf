import BerthCore
import BerthTesting
import Foundation
import Logging
import NIOHTTP1
import Synchronization
import Testing

@testable import BerthReplica

/// A Pod's collected model data leaves the Pod: complete lines from where the control plane's copy
/// ends, resuming where it says, and files whose period is over removed once sent whole.
struct ModelDataShipperTests {
    static let today = "default/default/default/svc/model/1/inputs/2026/03/31/inputs.csv"
    static let yesterday = "default/default/default/svc/model/1/inputs/2026/03/30/inputs.csv"
    /// Noon of 2026-03-31 (UTC).
    static let noon = Date(timeIntervalSince1970: 1_774_958_400)

    /// A control plane that keeps each file's bytes by offset, as `ShippedModelData` does.
    final class FakeControlPlane: Sendable {
        let files = Mutex<[String: Data]>([:])

        func reply(_ request: UpstreamRequest) -> UpstreamReply {
            let query = URLComponents(string: request.uri)?.queryItems ?? []
            let path = query.first { $0.name == "path" }?.value ?? ""
            let offset = Int(query.first { $0.name == "offset" }?.value ?? "") ?? -1
            let (appended, next) = files.withLock { files -> (Bool, Int) in
                let kept = files[path, default: Data()]
                guard offset == kept.count else { return (false, kept.count) }
                files[path] = kept + Data(request.body.utf8)
                return (true, kept.count + request.body.utf8.count)
            }
            return .respond(body: #"{"appended": \#(appended), "nextOffset": \#(next)}"#)
        }

        func text(_ path: String) -> String { files.withLock { String(decoding: $0[path] ?? Data(), as: UTF8.self) } }
    }

    /// Runs `body` with a shipper of `folder` to the control plane on `port`; its client is shut
    /// down afterwards, whatever `body` did.
    static func withShipper(
        folder: URL, port: Int, _ body: (ModelDataShipper) async throws -> Void
    ) async throws {
        let uploader = ControlPlaneUploader(
            upload: ControlPlaneUpload(url: "http://127.0.0.1:\(port)", token: "pod-token"), attempts: 1,
            connectTimeout: .milliseconds(300), logger: Logger(label: "test"))
        let shipper = ModelDataShipper(
            folder: folder, uploader: uploader, service: "svc", replica: "pod-a", interval: .milliseconds(20),
            now: { Self.noon }, logger: Logger(label: "test"))
        do {
            try await body(shipper)
        } catch {
            await uploader.shutdown()
            throw error
        }
        await uploader.shutdown()
    }

    static func append(_ text: String, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: file.path) {
            FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test("Complete lines go, a partial one waits; the next pass sends from where the last ended")
    func sendsCompleteLinesByOffset() async throws {
        let folder = try TemporaryDirectory("modeldata-pod")
        defer { folder.remove() }
        let plane = FakeControlPlane()
        let upstream = try await TestUpstream.start(id: "control-plane") { plane.reply($0) }
        let file = folder.appending(Self.today)
        try await Self.withShipper(folder: folder.url, port: upstream.port) { shipper in
            try Self.append("x1,x2\n1,2\n3,", to: file)
            await shipper.pass()
            #expect(plane.text(Self.today) == "x1,x2\n1,2\n")
            try Self.append("4\n", to: file)
            await shipper.pass()
            await shipper.pass()
        }
        await upstream.stop()
        #expect(plane.text(Self.today) == "x1,x2\n1,2\n3,4\n", "each byte once")
        #expect(upstream.requests.count == 2)
        let request = try #require(upstream.requests.last)
        #expect(request.uri.contains("offset=10") && request.uri.contains("replica=pod-a"), "\(request.uri)")
        #expect(request.uri.hasPrefix("/api/v1/services/svc/modeldata?"))
        #expect(request.headers["Authorization"] == ["Bearer pod-token"])
        #expect(FileManager.default.fileExists(atPath: file.path), "today's file stays: the collector still writes it")
    }

    @Test("A replica that restarted resumes where the control plane's copy ends; a past day's file goes once sent")
    func resumesAndRemoves() async throws {
        let folder = try TemporaryDirectory("modeldata-pod")
        defer { folder.remove() }
        let plane = FakeControlPlane()
        plane.files.withLock { $0[Self.yesterday] = Data("h\n1\n".utf8) }
        let upstream = try await TestUpstream.start(id: "control-plane") { plane.reply($0) }
        let old = folder.appending(Self.yesterday)
        try Self.append("h\n1\n2\n", to: old)
        try await Self.withShipper(folder: folder.url, port: upstream.port) { await $0.pass() }
        await upstream.stop()
        #expect(plane.text(Self.yesterday) == "h\n1\n2\n", "the first two lines were not sent again")
        #expect(!FileManager.default.fileExists(atPath: old.path), "sent whole and its day is over")
    }

    @Test("Rows written while the control plane is away are sent when it is back, and at the end of run()")
    func catchesUpAndFlushes() async throws {
        let folder = try TemporaryDirectory("modeldata-pod")
        defer { folder.remove() }
        let gone = try await TestUpstream.start(id: "gone")
        let port = gone.port
        await gone.stop()
        try Self.append("h\n1\n", to: folder.appending(Self.today))
        try await Self.withShipper(folder: folder.url, port: port) { await $0.pass() }
        #expect(FileManager.default.fileExists(atPath: folder.appending(Self.today).path))

        let plane = FakeControlPlane()
        let upstream = try await TestUpstream.start(id: "control-plane") { plane.reply($0) }
        try await Self.withShipper(folder: folder.url, port: upstream.port) { shipper in
            shipper.finish()
            await shipper.run()
        }
        await upstream.stop()
        #expect(plane.text(Self.today) == "h\n1\n")
    }
}
