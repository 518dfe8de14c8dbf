#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The current UTC time as ISO-8601 with milliseconds, `2025-01-31T12:34:56.789Z`, for log lines.
///
/// Formatted by hand from `clock_gettime`: it runs for every worker log line, and
/// `ISO8601DateFormatter` is neither cheap nor `Sendable`.
func logTimestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let millis = Int(now.tv_nsec) / 1_000_000
    return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
        + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
        + ".\(pad(millis, 3))Z"
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// Writes one line to stderr with a single `write(2)`, so lines of several threads never mix.
func writeStderrLine(_ line: String) {
    var line = line
    if !line.hasSuffix("\n") { line.append("\n") }
    line.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
