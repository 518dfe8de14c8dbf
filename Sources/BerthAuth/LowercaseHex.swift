/// Bytes as lowercase hex, the form digests and derived secrets travel in (route tables, headers,
/// Kubernetes Secrets): plain ASCII, safe in every one of them.
enum LowercaseHex {
    static func string(of bytes: some Sequence<UInt8>) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
