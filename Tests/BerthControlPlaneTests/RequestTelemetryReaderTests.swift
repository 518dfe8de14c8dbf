import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

/// Reading a service's telemetry folder: several replicas' segments merged by time, filtered by
/// `since` and `failed`, the newest `limit` kept, torn lines skipped, drops added up.
struct RequestTelemetryReaderTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func line(_ id: String, second: Double, code: Int = 200) -> Data {
        RequestTelemetry(
            timestamp: start.addingTimeInterval(second), id: id, name: "POST /api/v1/service/svc/score",
            duration: 1, resultCode: code, customDimensions: [:]
        ).jsonLine()
    }

    @Test("Two replicas' segments read as one list by time; since, failed and limit apply")
    func readsAcrossReplicas() throws {
        let folder = try TemporaryDirectory("telemetry-reader")
        defer { folder.remove() }
        var first = Data()
        var second = Data()
        for time in stride(from: 0, to: 10, by: 2) { first.append(Self.line("a\(time)", second: Double(time))) }
        for time in stride(from: 1, to: 10, by: 2) {
            second.append(Self.line("b\(time)", second: Double(time), code: time == 5 ? 502 : 200))
        }
        second.append(Data(#"{"id": "torn"#.utf8))
        for (data, replica) in [(first, "r1"), (second, "r2")] {
            let file = try folder.write(
                data, to: RequestTelemetryFolder.segmentName(replica: replica, opened: Self.start))
            // Written when its last line was: the reader skips segments by this time.
            try FileManager.default.setAttributes(
                [.modificationDate: Self.start.addingTimeInterval(10)], ofItemAtPath: file.path)
        }
        _ = try folder.write(Data("2\n".utf8), to: RequestTelemetryFolder.dropFileName(replica: "r1"))
        _ = try folder.write(Data("3\n".utf8), to: RequestTelemetryFolder.dropFileName(replica: "r2"))
        let reader = RequestTelemetryReader(folder: folder.url)

        #expect(reader.read(RequestTelemetryQuery()).map(\.id) == (0..<10).map { $0 % 2 == 0 ? "a\($0)" : "b\($0)" })
        #expect(reader.read(RequestTelemetryQuery(limit: 3)).map(\.id) == ["b7", "a8", "b9"])
        #expect(reader.read(RequestTelemetryQuery(failedOnly: true)).map(\.id) == ["b5"])
        #expect(
            reader.read(RequestTelemetryQuery(since: Self.start.addingTimeInterval(7))).map(\.id) == ["b7", "a8", "b9"])
        #expect(reader.dropped() == 5)
        #expect(reader.hasRecords)
        #expect(!RequestTelemetryReader(folder: folder.appending("none")).hasRecords)
    }
}
