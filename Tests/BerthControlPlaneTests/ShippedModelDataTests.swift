import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

/// The control plane's side of a Pod's collected model data: appended at the collector's path,
/// each Pod's copy followed by offset so nothing is kept twice or skipped, one header per file.
struct ShippedModelDataTests {
    static let path = "default/default/default/svc/model/1/inputs/2026/03/31/inputs.csv"
    /// Noon of the path's day (UTC).
    static let noon: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_774_958_400) }

    @Test("A Pod's bytes append in order; another offset appends nothing and says where to resume")
    func appendsByOffset() throws {
        let root = try TemporaryDirectory("shipped-modeldata")
        defer { root.remove() }
        let shipped = ShippedModelData(root: root.url, now: Self.noon)
        let first = Data("x1,x2\n1,2\n".utf8)
        #expect(
            try shipped.append(first, service: "svc", replica: "pod-a", path: Self.path, offset: 0)
                == .init(appended: true, nextOffset: 10))
        // The same request again (its answer was lost): nothing twice.
        #expect(
            try shipped.append(first, service: "svc", replica: "pod-a", path: Self.path, offset: 0)
                == .init(appended: false, nextOffset: 10))
        #expect(
            try shipped.append(Data("3,4\n".utf8), service: "svc", replica: "pod-a", path: Self.path, offset: 10)
                == .init(appended: true, nextOffset: 14))
        // A gap is not filled with later rows.
        #expect(
            try shipped.append(Data("9,9\n".utf8), service: "svc", replica: "pod-a", path: Self.path, offset: 20)
                == .init(appended: false, nextOffset: 14))
        let file = root.url.appendingPathComponent(Self.path)
        #expect(try String(contentsOf: file, encoding: .utf8) == "x1,x2\n1,2\n3,4\n")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // A restarted control plane remembers where each copy ends.
        let restarted = ShippedModelData(root: root.url, now: Self.noon)
        #expect(
            try restarted.append(Data("3,4\n".utf8), service: "svc", replica: "pod-a", path: Self.path, offset: 10)
                == .init(appended: false, nextOffset: 14))
        // A week after the file's day its copies are forgotten: the ledger does not grow forever.
        let later = ShippedModelData(root: root.url, now: { Date(timeIntervalSince1970: 1_774_958_400 + 9 * 86_400) })
        let other = "default/default/default/svc/model/1/inputs/2026/04/09/inputs.csv"
        _ = try later.append(Data("h\n".utf8), service: "svc", replica: "pod-a", path: other, offset: 0)
        let ledger = try JSONDecoder().decode(
            [String: Int].self, from: Data(contentsOf: root.url.appendingPathComponent(".shipped/svc.json")))
        #expect(ledger == ["pod-a\n" + other: 2], "\(ledger)")
    }

    @Test("A second Pod's copy joins the file without its header again")
    func secondPodSharesTheHeader() throws {
        let root = try TemporaryDirectory("shipped-modeldata")
        defer { root.remove() }
        let shipped = ShippedModelData(root: root.url, now: Self.noon)
        _ = try shipped.append(Data("x1,x2\n1,2\n".utf8), service: "svc", replica: "pod-a", path: Self.path, offset: 0)
        let outcome = try shipped.append(
            Data("x1,x2\n5,6\n".utf8), service: "svc", replica: "pod-b", path: Self.path, offset: 0)
        #expect(outcome == .init(appended: true, nextOffset: 10), "offsets are the Pod's own copy's")
        let text = try String(contentsOf: root.url.appendingPathComponent(Self.path), encoding: .utf8)
        #expect(text == "x1,x2\n1,2\n5,6\n")
    }

    @Test("A path outside the service's folder is refused and writes nothing")
    func refusesOtherServices() throws {
        let root = try TemporaryDirectory("shipped-modeldata")
        defer { root.remove() }
        let shipped = ShippedModelData(root: root.url, now: Self.noon)
        #expect(throws: BerthError.self) {
            try shipped.append(Data("a\n".utf8), service: "other", replica: "pod-a", path: Self.path, offset: 0)
        }
        #expect(FileManager.default.relativeFilePaths(under: root.url).isEmpty)
    }
}
