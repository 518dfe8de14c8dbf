import BerthCore
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import BerthReplica

/// The replica's request telemetry writer: lines go through a bounded queue to a sink, drops are
/// counted, and the folder's segments rotate within their caps.
struct RequestTelemetryRecorderTests {
    /// A sink in memory: the batches written and the drops reported; `failing` makes writes throw.
    final class MemorySink: RequestTelemetrySink {
        let batches = Mutex<[String]>([])
        let droppedCount = Mutex(0)
        let failing: Bool
        init(failing: Bool = false) { self.failing = failing }
        func write(_ data: Data, lines: Int) throws {
            if failing { throw BerthError(.internalError, "disk full") }
            batches.withLock { $0.append(String(decoding: data, as: UTF8.self)) }
        }
        func countDropped(_ count: Int) { droppedCount.withLock { $0 += count } }
        var lines: [String] { batches.withLock { $0.joined().split(separator: "\n").map(String.init) } }
    }

    static func record(_ id: String, code: Int = 200, at seconds: Double = 0) -> RequestTelemetry {
        RequestTelemetry(
            timestamp: Date(timeIntervalSince1970: 1_800_000_000 + seconds), id: id,
            name: "POST /api/v1/service/svc/score", duration: 1.5, resultCode: code,
            customDimensions: ["service": "svc"])
    }

    @Test("Queued lines are written in order, and the rest after finish()")
    func writesEveryQueuedLine() async throws {
        let sink = MemorySink()
        let recorder = RequestTelemetryRecorder(sink: sink, capacity: 100)
        for index in 0..<10 { recorder.record(Self.record("r\(index)")) }
        recorder.finish()
        await recorder.run()
        let ids = sink.lines.compactMap { RequestTelemetry.parse(line: Data($0.utf8))?.id }
        #expect(ids == (0..<10).map { "r\($0)" })
        #expect(recorder.dropped == 0 && sink.droppedCount.withLock { $0 } == 0)
    }

    @Test("A full queue drops new lines at once and counts them; the sink learns the count")
    func fullQueueDropsAndCounts() async throws {
        let sink = MemorySink()
        let drops = Mutex<[RequestTelemetryRecorder.DropReason: Int]>([:])
        let recorder = RequestTelemetryRecorder(sink: sink, capacity: 3) { reason, count in
            drops.withLock { $0[reason, default: 0] += count }
        }
        // Nothing writes until run(): the fourth and fifth lines find the queue full.
        for index in 0..<5 { recorder.record(Self.record("r\(index)")) }
        recorder.finish()
        recorder.record(Self.record("late"))
        await recorder.run()
        #expect(sink.lines.count == 3)
        #expect(recorder.dropped == 3)
        #expect(drops.withLock { $0 } == [.queueFull: 3])
        #expect(sink.droppedCount.withLock { $0 } == 3, "the drop count reaches the folder, for readers")
    }

    @Test("A batch the sink cannot write is counted as dropped, not lost silently")
    func failedWritesAreCounted() async throws {
        let sink = MemorySink(failing: true)
        let recorder = RequestTelemetryRecorder(sink: sink, capacity: 10)
        for index in 0..<4 { recorder.record(Self.record("r\(index)")) }
        recorder.finish()
        await recorder.run()
        #expect(recorder.dropped == 4 && sink.droppedCount.withLock { $0 } == 4)
    }

    @Test("Segments rotate at their cap and the folder keeps only the newest within its cap")
    func segmentsRotateAndPrune() throws {
        let folder = try TemporaryDirectory("telemetry-segments")
        defer { folder.remove() }
        let clock = Mutex(0.0)
        let line = Self.record("x").jsonLine()
        let segments = try RequestTelemetrySegments(
            folder: folder.url, replica: "svc-r1/odd name",
            limits: .init(maxSegmentBytes: line.count * 2, maxFolderBytes: line.count * 5),
            now: {
                let seconds = clock.withLock { value -> Double in
                    value += 1
                    return value
                }
                return Date(timeIntervalSince1970: 1_800_000_000 + seconds)
            })
        for _ in 0..<10 { try segments.write(line, lines: 1) }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        // 10 lines, 2 per segment: 5 segments made; pruning at each rotation keeps the folder
        // within 5 lines' bytes (plus the segment being written).
        #expect(names.allSatisfy { $0.hasSuffix("-svc-r1_odd_name.jsonl") }, "\(names)")
        #expect(names.count == 3, "\(names)")
        #expect(
            names.first
                == RequestTelemetryFolder.segmentName(
                    replica: "svc-r1/odd name", opened: Date(timeIntervalSince1970: 1_800_000_003)))
        segments.countDropped(2)
        segments.countDropped(3)
        let dropped = try String(
            contentsOf: folder.url.appendingPathComponent("svc-r1_odd_name.dropped"), encoding: .utf8)
        #expect(dropped == "5\n")
    }

    @Test("A failed run() is recorded with the client's 502 and the exception text; the replica's own 429 is not")
    func linesOfAnswers() throws {
        let dimensions = ["service": "svc", "replica": "r1"]
        func line(_ response: ReplicaResponse) -> RequestTelemetry? {
            ReplicaTelemetry.line(
                name: "POST /api/v1/service/svc/score", requestID: "id-1", clientRequestID: "client-1",
                arrived: Date(timeIntervalSince1970: 1_800_000_000.25), duration: .microseconds(12_345),
                response: response, dimensions: dimensions)
        }
        let failed = ReplicaRoutes.response(
            for: WorkerReply(
                status: 500, headers: [("Content-Type", "text/plain")],
                body: ByteBuffer(string: "ValueError: bad input"), runFailed: true, execMs: 2.5))
        let record = try #require(line(failed))
        #expect(record.resultCode == "502" && !record.success)
        #expect(record.duration == 12.345)
        #expect(record.customDimensions["exception"] == "ValueError: bad input")
        #expect(record.customDimensions["runMs"] == "2.500")
        #expect(record.customDimensions["clientRequestId"] == "client-1")
        #expect(record.customDimensions["replica"] == "r1")

        let ok = try #require(
            line(
                ReplicaRoutes.response(
                    for: WorkerReply(
                        status: 200, headers: [], body: ByteBuffer(string: "[1]"), runFailed: false, execMs: 1))
            ))
        #expect(ok.resultCode == "200" && ok.success && ok.customDimensions["exception"] == nil)

        let timedOut = ReplicaRoutes.json(
            status: .gatewayTimeout, runFailed: true, message: "Scoring timeout after 5 ms.")
        #expect(line(timedOut)?.customDimensions["exception"] == "Scoring timeout after 5 ms.")
        #expect(line(timedOut)?.resultCode == "504")

        let atCapacity = ReplicaRoutes.json(status: .tooManyRequests, message: "at capacity")
        #expect(line(atCapacity) == nil)
    }
}
