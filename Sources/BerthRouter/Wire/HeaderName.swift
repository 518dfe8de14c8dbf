import BerthCore

/// The header names the router acts on, told from a line's bytes without making a `String`:
/// this runs for every header of every request and response.
enum HeaderName: Equatable {
    case contentLength
    case transferEncoding
    case connection
    case host
    case authorization
    case expect
    /// `x-ms-request-id`
    case requestID
    /// `x-ms-client-request-id`
    case clientRequestID
    /// `x-ms-run-function-failed`: the replica's `run()` raised.
    case runFunctionFailed
    /// `x-ms-run-fn-exec-ms`: how long the replica's `run()` took, in milliseconds.
    case runExecMilliseconds
    /// `x-berth-endpoint-version`
    case endpointVersion
    /// `x-berth-replica-secret` (`ReplicaAuthentication.headerName`): the router's own proof to a
    /// replica, never relayed from a client (or back from a replica).
    case replicaSecret
    /// `traceparent` (W3C Trace Context): the caller's span, which a tracing router continues and
    /// replaces with its own toward the replica.
    case traceparent
    /// `tracestate` (W3C Trace Context): vendor data that travels with `traceparent`.
    case tracestate
    /// `keep-alive`, `proxy-connection`, `proxy-authenticate`, `proxy-authorization`, `te`,
    /// `trailer`, `upgrade`: they belong to one connection (RFC 9110 §7.6.1) and are never relayed.
    case otherHopByHop
    case other

    init(_ name: UnsafeRawBufferPointer) {
        switch name.count {
        case 2: self = Self.matches(name, "te") ? .otherHopByHop : .other
        case 4: self = Self.matches(name, "host") ? .host : .other
        case 6: self = Self.matches(name, "expect") ? .expect : .other
        case 7: self = Self.matches(name, "trailer") || Self.matches(name, "upgrade") ? .otherHopByHop : .other
        case 10:
            if Self.matches(name, "connection") {
                self = .connection
            } else if Self.matches(name, "keep-alive") {
                self = .otherHopByHop
            } else {
                self = Self.matches(name, "tracestate") ? .tracestate : .other
            }
        case 11: self = Self.matches(name, "traceparent") ? .traceparent : .other
        case 13: self = Self.matches(name, "authorization") ? .authorization : .other
        case 14: self = Self.matches(name, "content-length") ? .contentLength : .other
        case 15: self = Self.matches(name, "x-ms-request-id") ? .requestID : .other
        case 16: self = Self.matches(name, "proxy-connection") ? .otherHopByHop : .other
        case 17: self = Self.matches(name, "transfer-encoding") ? .transferEncoding : .other
        case 18: self = Self.matches(name, "proxy-authenticate") ? .otherHopByHop : .other
        case 19:
            if Self.matches(name, "proxy-authorization") {
                self = .otherHopByHop
            } else {
                self = Self.matches(name, "x-ms-run-fn-exec-ms") ? .runExecMilliseconds : .other
            }
        case 22:
            if Self.matches(name, "x-ms-client-request-id") {
                self = .clientRequestID
            } else {
                self = Self.matches(name, ReplicaAuthentication.headerName) ? .replicaSecret : .other
            }
        case 24:
            if Self.matches(name, "x-ms-run-function-failed") {
                self = .runFunctionFailed
            } else {
                self = Self.matches(name, "x-berth-endpoint-version") ? .endpointVersion : .other
            }
        default: self = .other
        }
    }

    /// Whether `bytes` equal `literal` exactly (methods and versions are case-sensitive).
    ///
    /// A plain loop rather than `memcmp`: the literals are a few bytes long, shorter than a call.
    static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let start = literal.utf8Start
        for index in 0..<bytes.count where bytes[index] != start[index] { return false }
        return true
    }

    /// Whether `bytes` start with `literal` exactly.
    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        return bytes.count >= count && equals(UnsafeRawBufferPointer(rebasing: bytes[..<count]), literal)
    }

    /// Whether `bytes` equal the UTF-8 of `text` exactly.
    static func equals(_ bytes: UnsafeRawBufferPointer, _ text: String) -> Bool {
        guard bytes.count == text.utf8.count else { return false }
        return text.utf8.withContiguousStorageIfAvailable { utf8 in
            for index in 0..<utf8.count where bytes[index] != utf8[index] { return false }
            return true
        } ?? text.utf8.elementsEqual(bytes)
    }

    /// Whether `bytes` equal `lowercase` (a lowercase ASCII literal) ignoring ASCII case.
    static func matches(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let literal = lowercase.utf8Start
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if (byte &- 65 < 26 ? byte | 0x20 : byte) != literal[index] { return false }
        }
        return true
    }
}
