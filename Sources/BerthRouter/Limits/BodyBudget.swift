import Synchronization

/// The request-body bytes all client connections of a router may hold at once
/// (`Router.Configuration.maxBufferedBodyBytes`), so many large uploads arriving together cannot
/// fill the router's memory: a request whose next body part does not fit gets 503 `overloaded`
/// and its connection closes, while the requests already holding bytes go on.
///
/// One atomic counter shared by every event loop; a connection reserves each part as it reads it
/// and gives everything back when its request ends (`ClientConnectionHandler`).
final class BodyBudget: Sendable {
    /// The most bytes held at once.
    let limit: Int
    private let held = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes `bytes` from the budget; false, taking nothing, when they do not fit. One atomic
    /// add in the usual case (and a subtraction when it did not fit).
    func reserve(_ bytes: Int) -> Bool {
        guard bytes <= limit else { return false }
        if held.wrappingAdd(bytes, ordering: .relaxed).newValue <= limit { return true }
        held.wrappingSubtract(bytes, ordering: .relaxed)
        return false
    }

    /// Gives back bytes taken with `reserve(_:)`.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        held.subtract(bytes, ordering: .relaxed)
    }

    /// The bytes held now, for tests and diagnostics.
    var heldBytes: Int { held.load(ordering: .relaxed) }
}
