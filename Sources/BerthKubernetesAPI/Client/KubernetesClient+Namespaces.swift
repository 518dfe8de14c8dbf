import BerthCore

/// How long a namespace create waits for a namespace of the same name that is still being deleted.
public struct NamespaceTerminationWait: Sendable, Hashable {
    /// The longest wait before giving up. Default 180 s: a namespace whose Pods drain for their
    /// grace period usually goes within a minute or two.
    public var timeout: Duration
    /// How often the namespace is read again meanwhile. Default 1 s.
    public var pollInterval: Duration

    public init(timeout: Duration = .seconds(180), pollInterval: Duration = .seconds(1)) {
        self.timeout = timeout
        self.pollInterval = pollInterval
    }
}

extension KubernetesClient {
    /// Creates the namespace `manifest` describes unless one of that name exists (which then keeps
    /// its own labels). A namespace that is still `Terminating` — a detach or delete moments ago:
    /// Kubernetes keeps it until its content is gone, and refuses new content in it with 403 — is
    /// waited out, saying so once through `progress`, then created anew.
    ///
    /// - Returns: true when it created the namespace.
    /// - Throws: `.namespaceTerminating` when it is still there after `wait.timeout`; other
    ///   `KubernetesError`s when the API fails.
    @discardableResult
    public func createNamespaceWaitingOutTermination(
        _ manifest: JSONValue, wait: NamespaceTerminationWait = NamespaceTerminationWait(),
        progress: (String) async -> Void = { _ in }
    ) async throws -> Bool {
        let (_, _, name) = try Self.identity(of: manifest)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait.timeout)
        var announced = false
        while true {
            if let existing = try await getIfPresent(.namespaces, namespace: nil, name: name) {
                guard Self.isTerminating(existing) else { return false }
                guard clock.now < deadline else {
                    throw KubernetesError(
                        .namespaceTerminating,
                        "Namespace '\(name)' is still being deleted (Terminating) after \(wait.timeout.components.seconds) s, so nothing can be created in it. See what holds it with 'kubectl get namespace \(name) -o yaml' (its finalizers and conditions), then try again once it is gone."
                    )
                }
                if !announced {
                    announced = true
                    await progress(
                        "Namespace '\(name)' is still being deleted (Terminating) from an earlier detach or delete; waiting up to \(wait.timeout.components.seconds) s for it to go before creating it again."
                    )
                }
                try await clock.sleep(for: wait.pollInterval)
                continue
            }
            do {
                try await create(manifest)
                if announced { await progress("Namespace '\(name)' is gone; created it again.") }
                return true
            } catch let error as KubernetesError where error.reason == "AlreadyExists" {
                // Made (or still terminating) between the read and the create: read it again.
                continue
            }
        }
    }

    /// Whether a Namespace object is being deleted.
    static func isTerminating(_ namespace: JSONValue) -> Bool {
        namespace["metadata"]?["deletionTimestamp"] != nil || namespace["status"]?["phase"] == "Terminating"
    }
}
