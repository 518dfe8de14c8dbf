import BerthCore
import Synchronization

/// Every object a client made a double accept — the body of each create and replace, the result
/// of each merge patch (a patch is not a whole object), each `scale` written — so a test suite can
/// check them all, at its end and in one batch, against the official schemas of the Kubernetes
/// version the double plays (`python -m k8s_validator.strict`).
///
/// The double checks names, labels and the rules in `DoubleState+Rules.swift` itself; a schema
/// check per request would start Python for every write, so it is left to the suite's end. A
/// double records into the collector it was given (`KubernetesAPIDouble.Configuration.sentObjects`),
/// else into `SentObjects.current`, which a test trait sets for the whole suite.
///
/// ```swift
/// let sent = SentObjects()
/// try await SentObjects.$current.withValue(sent) {
///     try await KubernetesAPIDouble.withRunning { double in /* Berth talks to it */ }
/// }
/// let entries = sent.entries   // validate them
/// ```
public final class SentObjects: Sendable {
    /// One object as the double accepted it.
    public struct Entry: Sendable, Hashable {
        /// `METHOD /path` of the request that sent it.
        public var request: String
        /// `MAJOR.MINOR` of the Kubernetes version the double played (its `/version`).
        public var kubernetesVersion: String
        /// The object, with the `apiVersion` and `kind` the server read it as.
        public var object: JSONValue

        public init(request: String, kubernetesVersion: String, object: JSONValue) {
            self.request = request
            self.kubernetesVersion = kubernetesVersion
            self.object = object
        }
    }

    /// The collector of the running suite, when a test trait set one.
    @TaskLocal public static var current: SentObjects?

    private let recorded = Mutex<(entries: [Entry], seen: Set<String>)>(([], []))

    public init() {}

    /// What was recorded, oldest first; an object sent twice alike (apart from the server's
    /// bookkeeping: `resourceVersion`, `uid`, timestamps, `generation`) appears once.
    public var entries: [Entry] { recorded.withLock { $0.entries } }

    func record(request: String, kubernetesVersion: String, object: JSONValue) {
        let key = kubernetesVersion + " " + Self.withoutBookkeeping(object).canonicalJSON
        recorded.withLock { state in
            guard state.seen.insert(key).inserted else { return }
            state.entries.append(Entry(request: request, kubernetesVersion: kubernetesVersion, object: object))
        }
    }

    private static func withoutBookkeeping(_ object: JSONValue) -> JSONValue {
        guard case .object(var members) = object, case .object(var metadata)? = members["metadata"] else {
            return object
        }
        for field in ["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"] {
            metadata[field] = nil
        }
        members["metadata"] = .object(metadata)
        return .object(members)
    }
}
