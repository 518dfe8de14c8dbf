import BerthCore
import Synchronization

/// Service creates accepted through the Azure dialect whose service is not stored yet: the SDK
/// reads the service right after its create answers 202, while Berth stores it only once its
/// environment and sources are ready. Kept in memory; the operation in the store keeps the
/// outcome across restarts.
final class AcceptedCreates: Sendable {
    struct Entry: Sendable {
        var payload: JSONValue
        var operationID: String
    }

    private let entries = Mutex<[String: Entry]>([:])

    func record(_ name: String, payload: JSONValue, operationID: String) {
        entries.withLock { $0[name] = Entry(payload: payload, operationID: operationID) }
    }

    func entry(_ name: String) -> Entry? { entries.withLock { $0[name] } }

    func forget(_ name: String) { _ = entries.withLock { $0.removeValue(forKey: name) } }
}
