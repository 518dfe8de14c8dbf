import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A response as a test reads it: status, headers and the whole body.
package struct TestResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: ByteBuffer

    /// The body as UTF-8 text.
    package var text: String { String(buffer: body) }

    /// The body parsed as JSON (`JSONSerialization`), for assertions on its fields.
    package func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed])
    }

    /// The first value of header `name` (case-insensitive).
    package func header(_ name: String) -> String? { headers.first(name: name) }
}

/// Real HTTP over loopback for tests, through AsyncHTTPClient's shared client (or one given, e.g.
/// a client that trusts a test CA for HTTPS).
package enum TestHTTP {
    /// Sends one request and collects the response (bodies up to 256 MiB).
    package static func send(
        _ method: HTTPMethod,
        _ url: String,
        headers: [(String, String)] = [],
        body: ByteBuffer? = nil,
        timeout: Duration = .seconds(60),
        client: HTTPClient = .shared
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: .init(timeout))
        let collected = try await response.body.collect(upTo: 256 * 1024 * 1024)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: collected)
    }

    /// `GET url`.
    package static func get(_ url: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await send(.GET, url, headers: headers)
    }

    /// `POST url` with a UTF-8 body (JSON content type unless `headers` say otherwise).
    package static func post(
        _ url: String,
        _ body: String,
        headers: [(String, String)] = [("Content-Type", "application/json")],
        timeout: Duration = .seconds(60),
        client: HTTPClient = .shared
    ) async throws -> TestResponse {
        try await send(.POST, url, headers: headers, body: ByteBuffer(string: body), timeout: timeout, client: client)
    }
}

extension TimeAmount {
    fileprivate init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
