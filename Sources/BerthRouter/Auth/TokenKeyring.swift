import BerthAuth
import BerthCore
import Foundation
import Synchronization

/// Token verification at the router: the `TokenVerifier` of the current route table's public
/// keys (parsed once per change), and a bounded cache of tokens whose signature already checked
/// out, so a client presenting the same token again costs a hash and a lookup instead of an
/// ECDSA verification. Audience and expiry are still checked on every request; the cache is
/// emptied whenever the keys change, so a key leaving the table takes its tokens with it.
///
/// The cache is keyed by the token's SHA-256, not the token, so lookups compare digests.
final class TokenKeyring: Sendable {
    /// Most tokens remembered; when full, the cache starts over.
    static let cacheLimit = 4096

    private struct State {
        var keys: [TokenVerificationKey] = []
        var verifier = TokenVerifier(keys: [])
        /// Bumped when the keys change, so a verification that raced a change is not cached.
        var epoch: UInt64 = 0
        var verified: [String: VerifiedToken] = [:]
    }

    private let state = Mutex(State())

    init() {}

    /// Rebuilds the verifier (and forgets verified tokens) when the keys changed.
    func update(_ keys: [TokenVerificationKey]) {
        if state.withLock({ $0.keys == keys }) { return }
        let verifier = TokenVerifier(keys: keys)
        state.withLock {
            $0.keys = keys
            $0.verifier = verifier
            $0.epoch &+= 1
            $0.verified.removeAll()
        }
    }

    /// Nil when `token` is valid for `audience` at `now`; otherwise why not.
    func verify(_ token: some StringProtocol, audience: String, now: Date) -> TokenRejection? {
        let digest = KeyDigest.sha256Hex(token)
        let (cached, verifier, epoch) = state.withLock { ($0.verified[digest], $0.verifier, $0.epoch) }
        if let cached { return cached.rejection(audience: audience, now: now) }
        switch verifier.check(token) {
        case .failure(let rejection):
            return rejection
        case .success(let verified):
            state.withLock {
                guard $0.epoch == epoch else { return }
                if $0.verified.count >= Self.cacheLimit { $0.verified.removeAll(keepingCapacity: true) }
                $0.verified[digest] = verified
            }
            return verified.rejection(audience: audience, now: now)
        }
    }

    /// How many verified tokens are remembered (for tests).
    var cachedCount: Int {
        state.withLock { $0.verified.count }
    }
}
