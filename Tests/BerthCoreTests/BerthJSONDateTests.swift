import Foundation
import Testing

@testable import BerthCore

/// Dates keep their text through any number of reads and writes (stored resources are read and
/// written again by every update, and clients compare what they were given with what they read).
struct BerthJSONDateTests {
    struct Stamped: Codable, Equatable { var at: Date }

    @Test("A date written, read and written again keeps its text and its value, at every millisecond")
    func roundTripsAreStable() throws {
        let start = 1_800_000_000.0
        for step in 0..<2000 {
            // Sub-millisecond parts all over the range, including just under and over the halves.
            let original = Stamped(at: Date(timeIntervalSince1970: start + Double(step) * 0.000_731 + 0.000_000_3))
            let once = try BerthJSON.decode(Stamped.self, from: try BerthJSON.encode(original), what: "date")
            let twice = try BerthJSON.decode(Stamped.self, from: try BerthJSON.encode(once), what: "date")
            #expect(once == twice, "\(original.at.timeIntervalSince1970)")
            #expect(abs(once.at.timeIntervalSince(original.at)) <= 0.0005 + 1e-9)
        }
    }

    @Test("Dates are written as ISO-8601 with milliseconds; whole-second dates still read")
    func format() throws {
        #expect(BerthJSON.text(of: Date(timeIntervalSince1970: 1_800_000_000.5)) == "2027-01-15T08:00:00.500Z")
        #expect(BerthJSON.text(of: Date(timeIntervalSince1970: 1_800_000_000.9996)) == "2027-01-15T08:00:01.000Z")
        #expect(BerthJSON.text(of: Date(timeIntervalSince1970: 1_800_000_000.007)) == "2027-01-15T08:00:00.007Z")
        let old = try BerthJSON.decode(Stamped.self, from: Data(#"{"at": "2027-01-15T08:00:00Z"}"#.utf8), what: "date")
        #expect(old.at == Date(timeIntervalSince1970: 1_800_000_000))
    }
}
