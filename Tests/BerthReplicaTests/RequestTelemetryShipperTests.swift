import BerthCore
import BerthTesting
import Foundation
import Logging
import NIOHTTP1
import Synchronization
import Testing

@testable import BerthReplica

/// A Pod's replica sends its request telemetry to the control plane: in pieces cut at line ends,
/// trying again what may pass (5xx), not what was refused (4xx), and reporting its drops.
struct RequestTelemetryShipperTests {
    static func upload(_ port: Int) -> ControlPlaneUpload {
        ControlPlaneUpload(url: "http://127.0.0.1:\(port)/", token: "pod-token")
    }

    /// Runs `body` with an uploader to `port`, shut down afterwards whatever `body` did.
    static func withUploader(
        port: Int, attempts: Int = 4, _ body: (ControlPlaneUploader) async throws -> Void
    ) async throws {
        let uploader = ControlPlaneUploader(
            upload: upload(port), attempts: attempts,
            backoff: RestartBackoff(initial: .milliseconds(10), maximum: .milliseconds(20)),
            connectTimeout: .milliseconds(300), logger: Logger(label: "test"))
        do {
            try await body(uploader)
        } catch {
            await uploader.shutdown()
            throw error
        }
        await uploader.shutdown()
    }

    static func shipper(_ uploader: ControlPlaneUploader) -> RequestTelemetryShipper {
        RequestTelemetryShipper(
            uploader: uploader, service: "svc", replica: "berth-svc-7d9f-abcde", logger: Logger(label: "test"))
    }

    static func lines(_ count: Int) -> Data {
        Data((0..<count).map { #"{"id":"r\#($0)"}"# + "\n" }.joined().utf8)
    }

    @Test("A batch is cut at line ends into pieces within the limit; a longer line goes alone")
    func cutsAtLineEnds() {
        let data = Data("aaaa\nbbbb\ncccc\ndddddddddddddddddddd\neeee\n".utf8)
        let pieces = RequestTelemetryShipper.requests(cutting: data, maxBytes: 10)
        #expect(
            pieces.map { String(decoding: $0.bytes, as: UTF8.self) } == [
                "aaaa\nbbbb\n", "cccc\n", "dddddddddddddddddddd\n", "eeee\n",
            ])
        #expect(pieces.map(\.lines) == [2, 1, 1, 1])
        #expect(RequestTelemetryShipper.requests(cutting: Data(), maxBytes: 10).isEmpty)
    }

    @Test("A 503 is tried again; the drop count travels with the next request, once")
    func retriesAndReportsDrops() async throws {
        let answered = Mutex(0)
        let upstream = try await TestUpstream.start(id: "control-plane") { _ in
            let count = answered.withLock { count in
                count += 1
                return count
            }
            return count <= 2 ? .respond(status: .serviceUnavailable, body: "starting") : .respond(body: "{}")
        }
        try await Self.withUploader(port: upstream.port) { uploader in
            let shipper = Self.shipper(uploader)
            shipper.countDropped(3)
            try await shipper.write(Self.lines(2), lines: 2)
            try await shipper.write(Self.lines(1), lines: 1)
            await shipper.finish()
        }
        await upstream.stop()

        let requests = upstream.requests
        #expect(requests.count == 4, "two 503s, then the batch, then the next batch; nothing at finish")
        let first = try #require(requests.first)
        #expect(first.method == .POST)
        #expect(first.uri == "/api/v1/services/svc/telemetry?replica=berth-svc-7d9f-abcde&dropped=3")
        #expect(first.headers["Authorization"] == ["Bearer pod-token"])
        #expect(first.headers["Content-Type"] == ["application/x-ndjson"])
        #expect(requests[2].body == String(decoding: Self.lines(2), as: UTF8.self))
        #expect(requests[3].uri == "/api/v1/services/svc/telemetry?replica=berth-svc-7d9f-abcde", "drops sent once")
    }

    @Test("A refusal is not tried again: the batch is reported unwritten, and its drops reach the next request")
    func refusalIsNotRetried() async throws {
        let refuse = Mutex(true)
        let upstream = try await TestUpstream.start(id: "control-plane") { _ in
            refuse.withLock { $0 } ? .respond(status: .unauthorized, body: #"{"error":{}}"#) : .respond(body: "{}")
        }
        try await Self.withUploader(port: upstream.port) { uploader in
            let shipper = Self.shipper(uploader)
            await #expect(throws: RequestTelemetryUnwritten.self) {
                try await shipper.write(Self.lines(2), lines: 2)
            }
            #expect(upstream.requests.count == 1)

            // The lost lines are counted as dropped; they are reported at shutdown if no batch
            // comes before.
            let recorder = RequestTelemetryRecorder(sink: shipper)
            refuse.withLock { $0 = false }
            shipper.countDropped(2)
            recorder.finish()
            await recorder.run()
        }
        await upstream.stop()
        let last = try #require(upstream.requests.last)
        #expect(upstream.requests.count == 2)
        #expect(last.uri.hasSuffix("&dropped=2") && last.body.isEmpty, "\(last)")
    }

    @Test("Without a control plane the batch is tried `attempts` times, then reported unwritten")
    func unreachableControlPlane() async throws {
        let upstream = try await TestUpstream.start(id: "gone")
        let port = upstream.port
        await upstream.stop()
        try await Self.withUploader(port: port, attempts: 2) { uploader in
            let shipper = Self.shipper(uploader)
            let error = await #expect(throws: RequestTelemetryUnwritten.self) {
                try await shipper.write(Self.lines(3), lines: 3)
            }
            #expect(error?.lines == 3)
            await shipper.finish()
        }
    }
}
