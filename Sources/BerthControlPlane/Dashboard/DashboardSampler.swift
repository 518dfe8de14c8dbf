import Foundation
import ServiceLifecycle

/// Reads the metrics every `interval` (`read`: the router's registry and the control plane's
/// scrape, `DashboardReading`) into the dashboard's history, on an injected clock so that tests
/// move time instead of waiting. Points are stamped with `start` plus the clock's elapsed time.
struct DashboardSampler<C: Clock>: Service where C.Duration == Duration {
    /// Time between points: 900 points (`DashboardHistory.capacity`) are 30 minutes.
    static var standardInterval: Duration { .seconds(2) }

    let recorder: DashboardRecorder
    let clock: C
    var interval: Duration = Self.standardInterval
    /// The wall-clock time of the clock's `now` when `run` starts.
    var start: @Sendable () -> Date = { Date() }
    let read: @Sendable () async -> DashboardReading

    /// Samples until cancelled, and then returns normally.
    func run() async throws {
        let origin = clock.now
        let startDate = start()
        while !Task.isCancelled {
            let reading = await read()
            let elapsed = origin.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            recorder.record(reading, at: startDate.addingTimeInterval(seconds))
            // Cancelled (the control plane stops): the end of the service, not an error of it.
            do { try await clock.sleep(for: interval) } catch { return }
        }
    }
}
