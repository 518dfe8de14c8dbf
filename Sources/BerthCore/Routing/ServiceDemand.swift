/// One service's load on one router, or summed over several: what the autoscaler sizes the
/// service for.
///
/// Sums saturate at `Int.max` instead of trapping: the numbers come from reports of routers
/// outside the process, and the control plane must survive whatever they say.
public struct ServiceDemand: Codable, Sendable, Hashable {
    /// Requests sent to the service's replicas that have not finished.
    public var inFlight: Int
    /// Requests waiting for a free replica.
    public var queued: Int

    public init(inFlight: Int, queued: Int) {
        self.inFlight = inFlight
        self.queued = queued
    }

    /// The load the autoscaler sizes for: queued requests are load the replicas have not taken yet.
    public var total: Int { inFlight.saturatingAdding(queued) }

    /// The sum of two routers' loads on the same service.
    public static func + (lhs: ServiceDemand, rhs: ServiceDemand) -> ServiceDemand {
        ServiceDemand(
            inFlight: lhs.inFlight.saturatingAdding(rhs.inFlight), queued: lhs.queued.saturatingAdding(rhs.queued))
    }
}
