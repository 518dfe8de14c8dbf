import NIOHTTP1

/// What the `Connection` headers of a message say (RFC 9112 §9): `close`, `keep-alive`, and the
/// other options, which name headers meant for this hop only.
struct ConnectionOptions {
    var close = false
    var keepAlive = false
    /// The other options, lowercase.
    var listed: [String] = []

    /// Reads one `Connection` header's value.
    mutating func read(_ value: UnsafeRawBufferPointer) {
        HeaderFields.forEachElement(of: value) { token in
            if HeaderName.matches(token, "close") {
                close = true
            } else if HeaderName.matches(token, "keep-alive") {
                keepAlive = true
            } else {
                listed.append(String(decoding: token, as: UTF8.self).lowercased())
            }
        }
    }

    /// Whether a connection of `version` stays open after this message: HTTP/1.1 unless `close`,
    /// HTTP/1.0 only with `keep-alive`.
    func keepsAlive(_ version: HTTPVersion) -> Bool {
        !close && (version == .http1_1 || keepAlive)
    }
}
