import BerthTesting

/// Byte-level mutations of a seed, from a fixed seed (`SeededRandom`), so a replay is the same on
/// every run: the kinds libFuzzer starts with (flip, set, insert, erase, duplicate, truncate,
/// splice).
struct SeededMutations {
    private var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    mutating func next() -> UInt64 {
        random.next()
    }

    /// A number in `0..<bound` (0 when `bound` is 0).
    mutating func below(_ bound: Int) -> Int {
        bound <= 0 ? 0 : Int(next() % UInt64(bound))
    }

    /// One to three mutations of `seed`; a splice takes a piece of one of `others`.
    mutating func mutate(_ seed: [UInt8], splicing others: [[UInt8]]) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(3) {
            switch below(7) {
            case 0 where !bytes.isEmpty:
                bytes[below(bytes.count)] ^= UInt8(1 << below(8))
            case 1 where !bytes.isEmpty:
                bytes[below(bytes.count)] = [0, 0xFF, 0x7F, 0x80, 10, 13, 32, 48][below(8)]
            case 2:
                bytes.insert(UInt8(truncatingIfNeeded: next()), at: below(bytes.count + 1))
            case 3 where !bytes.isEmpty:
                let start = below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(16)))
            case 4 where !bytes.isEmpty:
                let start = below(bytes.count)
                let piece = bytes[start..<min(bytes.count, start + 1 + below(32))]
                bytes.insert(contentsOf: piece, at: below(bytes.count + 1))
            case 5:
                bytes = Array(bytes.prefix(below(bytes.count + 1)))
            default:
                let other = others[below(others.count)]
                guard !other.isEmpty else { continue }
                let start = below(other.count)
                bytes.insert(
                    contentsOf: other[start..<min(other.count, start + 1 + below(64))], at: below(bytes.count + 1))
            }
        }
        return bytes
    }
}
