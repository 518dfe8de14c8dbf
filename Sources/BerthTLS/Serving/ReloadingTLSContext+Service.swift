import ServiceLifecycle

extension ReloadingTLSContext: Service {
    /// Checks the files every `reloadInterval` until graceful shutdown or cancellation; a
    /// server's `ServiceGroup` runs it next to the server. It never ends on its own, so it
    /// suits the group's default `.cancelGroup` termination behaviour.
    package func run() async {
        await cancelWhenGracefulShutdown {
            await self.watch(every: self.reloadInterval)
        }
    }

    /// Calls `reloadIfChanged()` every `interval` until the task is cancelled. Failures are
    /// logged by `reloadIfChanged()` and do not end the loop.
    package func watch(every interval: Duration = .seconds(5)) async {
        await watch(every: interval, clock: ContinuousClock())
    }

    /// `watch(every:)` on a given clock, for tests that drive time themselves.
    package func watch<C: Clock<Duration>>(every interval: Duration, clock: C) async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
            _ = try? reloadIfChanged()
        }
    }
}
