import BerthAuth
import BerthCore
import Crypto

/// Checks a request's `Authorization: Bearer <key>` against a service's key digests.
///
/// The route table carries only SHA-256 digests, so the router hashes the presented key and
/// compares digests in constant time, against every digest without stopping early, so neither the
/// time nor the order says which key matched or how much of it.
enum KeyCheck {
    /// Whether `authorization` (the header's value, if any) carries a key of `route`.
    static func isAuthorized(_ authorization: String?, route: ServiceRoute) -> Bool {
        if !route.authEnabled { return true }
        guard let key = bearerToken(authorization), !key.isEmpty else { return false }
        let digest = hexDigest(of: key)
        var matched = false
        for candidate in route.keyDigests {
            if ConstantTime.equals(digest, candidate.lowercased()) { matched = true }
        }
        return matched
    }

    /// The token after `Bearer ` (scheme case-insensitive), trimmed.
    static func bearerToken(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let trimmed = authorization.drop(while: { $0 == " " })
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        return String(trimmed.dropFirst(7).trimmingSpaces())
    }

    /// SHA-256 of the key's UTF-8 bytes, lowercase hex: the form the control plane publishes.
    static func hexDigest(of key: String) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(key.utf8)) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
