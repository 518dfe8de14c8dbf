import BerthTLS

/// Which addresses keep the admin API on this machine: the control plane deploys code, so it
/// binds beyond loopback only behind TLS.
enum AdminBinding {
    /// Whether `host` is a loopback address or name (127.0.0.0/8, ::1, localhost).
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "[::1]" { return true }
        guard let bytes = IPAddressBytes.parse(host) else { return false }
        return bytes.count == 4 ? bytes[0] == 127 : bytes == Array(repeating: 0, count: 15) + [1]
    }
}
