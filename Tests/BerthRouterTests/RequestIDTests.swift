import Foundation
import NIOCore
import Testing

@testable import BerthRouter

/// Request ids: UUID-shaped, distinct, and written to a head exactly as their text.
struct RequestIDTests {
    @Test func generatedIDsAreDistinctVersion4UUIDs() throws {
        let ids = (0..<1000).map { _ in RequestIDs.next().text }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(20) {
            let uuid = try #require(UUID(uuidString: id), "\(id)")
            #expect(uuid.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4" && "89ab".contains(Array(id)[19]), "\(id)")
        }
    }

    @Test func aHeadCarriesTheSameText() {
        for id in [RequestIDs.next(), RequestID.client("client-id-1")] {
            var buffer = ByteBuffer()
            buffer.writeHead(maxBytes: HeadWriter.requestIDLineBytes(id)) { $0.appendRequestID(id) }
            #expect(String(buffer: buffer) == "x-ms-request-id: \(id.text)\r\n")
        }
    }

    @Test func generatedIDsSpellTheirBitsInOrder() {
        func reference(_ high: UInt64, _ low: UInt64) -> String {
            let hex = [high, low].map { word in
                let digits = String(word, radix: 16)
                return String(repeating: "0", count: 16 - digits.count) + digits
            }.joined()
            let characters = Array(hex)
            return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
        }
        var generator = SystemRandomNumberGenerator()
        let words: [(UInt64, UInt64)] =
            [(0, 0), (.max, .max), (0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210)]
            + (0..<100).map { _ in (generator.next(), generator.next()) }
        for (high, low) in words {
            #expect(RequestID.generated(high: high, low: low).text == reference(high, low))
        }
    }
}
