#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// IP addresses as a certificate's subjectAltName holds them: 4 bytes for IPv4, 16 for IPv6; also
/// how `berth` tells an address from a host name (which addresses a certificate covers, which
/// keep the admin API on loopback).
package enum IPAddressBytes {
    /// The bytes of "127.0.0.1" or "::1", or nil when `text` is not an IP address.
    package static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The usual text form of 4 or 16 address bytes, or a hex dump of any other length.
    static func format(_ bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return bytes.map { String($0, radix: 16) }.joined(separator: ":")
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let text = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return text == nil
            ? bytes.map { String($0, radix: 16) }.joined(separator: ":")
            : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
