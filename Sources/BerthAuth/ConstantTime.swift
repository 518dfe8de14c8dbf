/// Comparison of secrets whose running time does not depend on where they differ, so a client
/// cannot learn a key byte by byte from response times.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. Time depends only on the lengths.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        if a.count != b.count { difference |= 1 }
        var left = a.makeIterator()
        var right = b.makeIterator()
        // Walk the longer length so a short guess costs as much as a full one.
        for _ in 0..<max(a.count, b.count) {
            let x = left.next() ?? 0
            let y = right.next() ?? 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// String form of `equals`, on the UTF-8 bytes.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
