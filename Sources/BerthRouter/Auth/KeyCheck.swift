import BerthAuth
import BerthCore

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
        let digest = KeyDigest.sha256Hex(key)
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
}

extension Substring {
    /// Without leading and trailing spaces (a bearer token, a transfer coding in a list).
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
