import Testing

@testable import BerthRouter

/// The byte-level helpers under both framers: token bytes, line ends, exact literal matches.
struct HeaderFieldsTests {
    @Test func tokenBytesAreExactlyRFC9110sTchar() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HeaderFields.isTokenByte(byte) == tchar.contains(byte), "byte \(byte)")
        }
    }

    @Test func theStartLineEndsAtTheFirstCRLFNotAtALoneLF() {
        func split(_ text: String) -> (String, String) {
            Array(text.utf8).withUnsafeBytes { bytes in
                let (line, section) = HeaderFields.splitStartLine(bytes)
                return (String(decoding: line, as: UTF8.self), String(decoding: section, as: UTF8.self))
            }
        }
        #expect(split("POST /score HTTP/1.1\r\nA: b\r\n") == ("POST /score HTTP/1.1", "A: b\r\n"))
        #expect(split("GET /a\nb HTTP/1.1\r\n") == ("GET /a\nb HTTP/1.1", ""))
        #expect(split("\r\nA: b\r\n") == ("", "A: b\r\n"))
    }

    @Test func newlinesAreFoundFromAnyOffset() {
        Array("ab\ncd\n".utf8).withUnsafeBytes { bytes in
            #expect(HeaderFields.firstNewline(in: bytes, from: 0) == 2)
            #expect(HeaderFields.firstNewline(in: bytes, from: 2) == 2)
            #expect(HeaderFields.firstNewline(in: bytes, from: 3) == 5)
            #expect(HeaderFields.firstNewline(in: bytes, from: 6) == nil)
        }
        Array("no line end".utf8).withUnsafeBytes { #expect(HeaderFields.firstNewline(in: $0, from: 0) == nil) }
    }

    @Test func literalsMatchExactlyAndCaseSensitively() {
        func equals(_ text: String, _ literal: StaticString) -> Bool {
            Array(text.utf8).withUnsafeBytes { HeaderName.equals($0, literal) }
        }
        #expect(equals("HTTP/1.1", "HTTP/1.1"))
        #expect(!equals("http/1.1", "HTTP/1.1"))
        #expect(!equals("HTTP/1.10", "HTTP/1.1"))
        #expect(!equals("HTTP/1.", "HTTP/1.1"))
        #expect(equals("", ""))
        func hasPrefix(_ text: String, _ literal: StaticString) -> Bool {
            Array(text.utf8).withUnsafeBytes { HeaderName.hasPrefix($0, literal) }
        }
        #expect(hasPrefix("HTTP/2.0", "HTTP/") && hasPrefix("HTTP/", "HTTP/"))
        #expect(!hasPrefix("HTTP", "HTTP/") && !hasPrefix("http/1.1", "HTTP/"))
    }

    @Test func theReplicaSecretHeaderIsToldApartInAnyCase() {
        func name(_ text: String) -> HeaderName { Array(text.utf8).withUnsafeBytes { HeaderName($0) } }
        #expect(name("x-berth-replica-secret") == .replicaSecret)
        #expect(name("X-Berth-Replica-Secret") == .replicaSecret)
        #expect(name("x-ms-client-request-id") == .clientRequestID, "the same length")
        #expect(name("x-berth-replica-secreT") == .replicaSecret)
        #expect(name("x-berth-replica-secrets") == .other)
        #expect(name("x-berth-replica-secrex") == .other)
    }
}
