import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

/// The control plane's side of a Pod's request telemetry: batches land in the service's folder,
/// one writer per Pod, all or nothing, and read back as a local replica's lines do.
struct ShippedTelemetryTests {
    static func record(_ id: String, service: String = "svc", second: Double = 0) -> RequestTelemetry {
        RequestTelemetry(
            timestamp: Date(timeIntervalSince1970: 1_800_000_000 + second), id: id,
            name: "POST /api/v1/service/\(service)/score", duration: 2, resultCode: 200,
            customDimensions: [RequestTelemetry.Dimension.service: service])
    }

    static func batch(_ records: [RequestTelemetry]) -> Data {
        records.reduce(into: Data()) { $0.append($1.jsonLine()) }
    }

    @Test("Two Pods' batches read back as one list; each Pod writes one segment; drops add up")
    func batchesReadBack() throws {
        let root = try TemporaryDirectory("shipped-telemetry")
        defer { root.remove() }
        let shipped = ShippedTelemetry(root: root.url)
        #expect(
            try shipped.append(
                Self.batch([Self.record("a0"), Self.record("a2", second: 2)]), service: "svc", replica: "pod-a",
                dropped: 0) == 2)
        #expect(
            try shipped.append(Self.batch([Self.record("b1", second: 1)]), service: "svc", replica: "pod-b", dropped: 4)
                == 1)
        #expect(
            try shipped.append(Self.batch([Self.record("a3", second: 3)]), service: "svc", replica: "pod-a", dropped: 1)
                == 1)
        #expect(try shipped.append(Data(), service: "svc", replica: "pod-b", dropped: 2) == 0)

        let folder = RequestTelemetryFolder.folder(of: "svc", in: root.url)
        let reader = RequestTelemetryReader(folder: folder)
        #expect(reader.read(RequestTelemetryQuery()).map(\.id) == ["a0", "b1", "a2", "a3"])
        #expect(reader.dropped() == 7)
        #expect(RequestTelemetryFolder.segments(in: folder).count == 2, "a writer stays open between a Pod's batches")
    }

    @Test("A batch with one unreadable line, or another service's record, is refused whole")
    func allOrNothing() throws {
        let root = try TemporaryDirectory("shipped-telemetry")
        defer { root.remove() }
        let shipped = ShippedTelemetry(root: root.url)
        var torn = Self.batch([Self.record("ok")])
        torn.append(Data(#"{"id": "torn"#.utf8))
        #expect {
            try shipped.append(torn, service: "svc", replica: "pod-a", dropped: 3)
        } throws: { error in
            let error = error as? BerthError
            return error?.code == .badRequest && error?.message.contains("Line 2") == true
        }
        let foreign = Self.batch([Self.record("ok"), Self.record("theirs", service: "other")])
        #expect {
            try shipped.append(foreign, service: "svc", replica: "pod-a", dropped: 0)
        } throws: { error in
            (error as? BerthError)?.message.contains("service 'other', not of 'svc'") == true
        }
        let folder = RequestTelemetryFolder.folder(of: "svc", in: root.url)
        #expect(!RequestTelemetryReader(folder: folder).hasRecords)
        #expect(
            RequestTelemetryReader(folder: folder).dropped() == 0, "a refused batch's drop count is not kept either")
    }

    @Test("Lines are kept in the canonical one-line form, whatever spacing they came in")
    func linesAreReencoded() throws {
        let root = try TemporaryDirectory("shipped-telemetry")
        defer { root.remove() }
        let shipped = ShippedTelemetry(root: root.url)
        let record = Self.record("spaced")
        let compact = String(decoding: record.jsonLine(), as: UTF8.self).trimmingCharacters(in: .newlines)
        var pretty = Data(("  " + compact.replacingOccurrences(of: "\":", with: "\" : ")).utf8)
        pretty.append(Data("\r\n\n".utf8))
        #expect(try shipped.append(pretty, service: "svc", replica: "pod-a", dropped: 0) == 1)
        let segment = try #require(
            RequestTelemetryFolder.segments(in: RequestTelemetryFolder.folder(of: "svc", in: root.url)).first)
        #expect(try Data(contentsOf: segment.url) == record.jsonLine())
    }
}
