import BerthAuth
import BerthCore
import Synchronization

/// The `TokenVerifier` built from the current route table's public keys, parsed once per change
/// rather than per request. Readers copy the verifier out under the lock and verify outside it.
final class TokenKeyring: Sendable {
    private struct State {
        var keys: [TokenVerificationKey] = []
        var verifier = TokenVerifier(keys: [])
    }

    private let state = Mutex(State())

    init() {}

    /// Rebuilds the verifier when the keys changed.
    func update(_ keys: [TokenVerificationKey]) {
        if state.withLock({ $0.keys == keys }) { return }
        let verifier = TokenVerifier(keys: keys)
        state.withLock { $0 = State(keys: keys, verifier: verifier) }
    }

    /// The verifier of the current keys.
    var verifier: TokenVerifier {
        state.withLock { $0.verifier }
    }
}
