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
}
