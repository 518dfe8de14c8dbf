import BerthCore

/// Ways a test makes the double behave as a real cluster sometimes does, on cue: a watch cache
/// that moves on, a concurrent writer, a cloud load balancer that gets its address late.
extension RunningKubernetesAPIDouble {
    /// Ends every open watch with an in-stream `ERROR` event carrying a 410 `Status`, as a real
    /// API server does when its watch cache moved past a watcher. With `forgettingHistory`, a
    /// watch from any earlier `resourceVersion` expires too, so watchers must list again.
    public func expireWatches(forgettingHistory: Bool = true) {
        store.expireWatches(forgettingHistory: forgettingHistory)
    }

    /// Makes the next replace (PUT) of `kind` `namespace`/`name` — the next `times` ones — meet
    /// another writer's change first, so each fails with 409 Conflict, as when a controller
    /// updates the object between a client's GET and its PUT.
    public func conflictOnNextReplace(kind: String, namespace: String?, name: String, times: Int = 1) {
        guard let kind = DoubleKind.all.first(where: { $0.kind == kind }) else { return }
        store.conflictOnNextReplace(kind, namespace: namespace, name: name, times: times)
    }

    /// Gives a `LoadBalancer` Service the address a cloud's load balancer controller would write
    /// to `status.loadBalancer.ingress` (an IP, a hostname, or both); nil for both clears it.
    public func setLoadBalancerIngress(namespace: String, service: String, ip: String? = nil, hostname: String? = nil)
        throws
    {
        var ingress: [String: JSONValue] = [:]
        if let ip { ingress["ip"] = .string(ip) }
        if let hostname { ingress["hostname"] = .string(hostname) }
        let entries: JSONValue = ingress.isEmpty ? [] : [.object(ingress)]
        try store.patch(
            DoubleKind.all[3], namespace: namespace, name: service,
            ["status": ["loadBalancer": ["ingress": entries]]])
    }

    /// The requests the double answered, oldest first, as `METHOD /path?query`.
    public var requestLog: [String] { store.requestLog }
}
