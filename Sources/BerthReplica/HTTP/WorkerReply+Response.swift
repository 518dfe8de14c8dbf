/// What of an entry script's answer can go out as it is.
///
/// The script chooses the status and the headers (an `AMLResponse`), and the worker passes them on
/// as they are, so the host mends what HTTP cannot carry instead of sending it: the router reads
/// the replica's bytes as HTTP, and a wrong length or a CR in a header would make it read the
/// answer, and the next one on the connection, wrongly.
extension WorkerReply {
    /// Headers the host sets itself: the body's framing, the connection's and the run's flag.
    /// The worker drops them too (`berth_worker/output.py`); a worker of another make may not.
    static let hostOwnedHeaders: Set<String> = [
        "content-length", "transfer-encoding", "connection", "x-ms-run-function-failed",
    ]

    /// Whether the status is one a final response can have (200–599); anything else is the
    /// script's error, answered 500 as when `run()` raises.
    var hasFinalStatus: Bool { (200...599).contains(status) }

    /// Whether a header of the script's goes out: its name a token (RFC 9110 §5.6.2), its value
    /// without control characters but tabs, and not one of `hostOwnedHeaders`.
    static func isRelayable(name: String, value: String) -> Bool {
        guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte),
            value.utf8.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) })
        else { return false }
        return !hostOwnedHeaders.contains(name.lowercased())
    }

    /// RFC 9110 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
