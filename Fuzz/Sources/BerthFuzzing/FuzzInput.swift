/// The bytes of one fuzz input, read from the front: the harnesses take a few bytes to choose
/// how to use the rest (where reads split, which options), so the fuzzer explores those choices
/// as it mutates.
public struct FuzzInput {
    private var bytes: UnsafeRawBufferPointer

    public init(_ start: UnsafePointer<UInt8>?, _ count: Int) {
        bytes = UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : count)
    }

    /// The next byte, or 0 when none is left.
    public mutating func byte() -> UInt8 {
        guard let first = bytes.first else { return 0 }
        bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
        return first
    }

    /// What is left.
    public var rest: UnsafeRawBufferPointer { bytes }

    /// What is left, cut into pieces of `size` bytes (the last may be shorter): the reads a
    /// socket might deliver.
    public func pieces(of size: Int) -> [UnsafeRawBufferPointer] {
        let size = max(1, size)
        return stride(from: 0, to: bytes.count, by: size).map {
            UnsafeRawBufferPointer(rebasing: bytes[$0..<min($0 + size, bytes.count)])
        }
    }

    /// A read size chosen by `selector`: every byte apart (1), small reads, or all at once (0 → whole).
    public func readSize(_ selector: UInt8) -> Int {
        selector == 0 ? max(1, bytes.count) : Int(selector % 64) + 1
    }
}

/// Stops the run with `message` (a finding) unless `condition` holds. Unlike `precondition`, it
/// keeps its message in the optimized builds the fuzzers run, so a finding says what broke.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
