/// An `EnvironmentBuilder` that counts the look-ups of the one it wraps, hit or miss, and times
/// its builds (`ControlPlaneMetrics.environmentLookedUp`).
struct MeteredEnvironmentBuilder<Base: EnvironmentBuilder>: EnvironmentBuilder {
    let base: Base
    let metrics: ControlPlaneMetrics

    func prepare(_ spec: EnvironmentSpec, log: @escaping @Sendable (String) -> Void) async throws
        -> PreparedEnvironment
    {
        let clock = ContinuousClock()
        let start = clock.now
        let prepared: PreparedEnvironment
        do {
            prepared = try await base.prepare(spec, log: log)
        } catch {
            metrics.environmentLookedUp(cache: nil, build: start.duration(to: clock.now), succeeded: false)
            throw error
        }
        switch prepared.source {
        case .system: metrics.environmentLookedUp(cache: "system", build: nil, succeeded: true)
        case .workspaceCache: metrics.environmentLookedUp(cache: "workspace", build: nil, succeeded: true)
        case .machineCache: metrics.environmentLookedUp(cache: "machine", build: nil, succeeded: true)
        case .built: metrics.environmentLookedUp(cache: nil, build: start.duration(to: clock.now), succeeded: true)
        }
        return prepared
    }
}
