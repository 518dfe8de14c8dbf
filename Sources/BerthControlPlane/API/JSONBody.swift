import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reading and writing JSON bodies with Berth's coding settings and size limits.
enum JSONBody {
    /// The largest JSON request body the API reads (1 MiB is far above any config).
    static let maxRequestBytes = 1 << 20

    /// Decodes a request body, with a clear error for an empty, oversized or malformed one.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, what: String = "request body")
        async throws -> T
    {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxRequestBytes)
        } catch {
            throw BerthError(.payloadTooLarge, "The \(what) is larger than \(maxRequestBytes) bytes.")
        }
        guard buffer.readableBytes > 0 else {
            throw BerthError.badRequest("The \(what) is empty; send a JSON object.")
        }
        return try BerthJSON.decode(type, from: Data(buffer.readableBytesView), what: what)
    }

    /// A JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        throws -> Response
    {
        var headers = headers
        headers[.contentType] = "application/json"
        let data = try BerthJSON.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The 202 answer of a long operation: the operation body plus `Operation-Location`.
    static func accepted(_ operation: BerthCore.Operation) throws -> Response {
        var headers = HTTPFields()
        headers[.operationLocation] = "/api/v1/operations/\(operation.id)"
        return try response(operation, status: .accepted, headers: headers)
    }
}
