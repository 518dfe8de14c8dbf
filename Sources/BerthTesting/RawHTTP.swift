import AsyncHTTPClient
import Foundation

/// Plain HTTP calls with full control of the headers, for tests that check what the API answers
/// to requests the typed client would never send (no token, a wrong token).
package enum RawHTTP {
    /// One answer: status, headers and the whole body.
    package struct Response: Sendable {
        package var status: Int
        package var headers: [(name: String, value: String)]
        package var body: Data

        /// The first value of a header, ignoring the name's case.
        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body as a JSON object (nil when it is not one).
        package var jsonObject: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        }
    }

    /// Sends `method url` with `headers` and an optional body; reads at most 16 MiB of answer.
    package static func send(
        _ method: String,
        _ url: String,
        headers: [(String, String)] = [],
        body: Data? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(Array(body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return Response(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Data(buffer.readableBytesView)
        )
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
