import BerthStore
import Foundation
import HTTPTypes
import Hummingbird

extension BlobRoutes {
    /// 201 after a write: the blob's `ETag` and `Last-Modified` (none for a block), and the body's
    /// `Content-sha256` echoed, which Azure ML's client compares with its own.
    static func written(_ blob: StoredBlob?, echoing request: Request) -> Response {
        var headers: HTTPFields = [BlobHeader.serverEncrypted: "true"]
        if let blob {
            headers[.eTag] = blob.etag
            headers[.lastModified] = httpDate(blob.lastModified)
        }
        if let announced = request.headers[BlobHeader.contentSHA256] { headers[BlobHeader.contentSHA256] = announced }
        return Response(status: .created, headers: headers)
    }

    /// The headers of Get Blob Properties and Get Blob, but the length.
    static func properties(of blob: StoredBlob) -> HTTPFields {
        [
            .contentType: blob.contentType ?? "application/octet-stream",
            .eTag: blob.etag,
            .lastModified: httpDate(blob.lastModified),
            .acceptRanges: "bytes",
            BlobHeader.blobType: "BlockBlob",
            HTTPField.Name("x-ms-server-encrypted")!: "true",
            HTTPField.Name("x-ms-lease-state")!: "available",
            HTTPField.Name("x-ms-lease-status")!: "unlocked",
        ]
    }

    /// `Mon, 07 Dec 2026 01:47:32 GMT` (RFC 9110's IMF-fixdate).
    static func httpDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
    }
}
