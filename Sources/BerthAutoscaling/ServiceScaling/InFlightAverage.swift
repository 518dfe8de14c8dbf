/// The smoothed in-flight measure the autoscaler decides on: the time-weighted mean of the
/// frequent samples (several per second) taken over the last refresh period.
///
/// Why a mean over the period and not the latest sample: a burst of requests that lasts a few
/// hundred milliseconds shows up in one or two samples. Deciding on the peak would add replicas
/// that start after the burst is gone and are removed a minute later; the mean weighs the burst by
/// how long it lasted, so only load that persists for a good part of the period scales up. The
/// period is short (1 s by default), so a real step in load is still acted on within one refresh.
public struct InFlightAverage<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    private struct Sample: Sendable {
        var at: Instant
        var inFlight: Double
    }

    private var samples: [Sample] = []
    /// How far back the mean looks.
    public var period: Duration

    public init(period: Duration) {
        self.period = period
    }

    /// Records the load seen at `at` (in flight + queued at the router).
    public mutating func record(_ inFlight: Int, at: Instant) {
        samples.append(Sample(at: at, inFlight: Double(inFlight)))
        let horizon = at.advanced(by: .zero - period)
        // Keep one sample at or before the horizon: it is the value in force when the window opens.
        if let firstInside = samples.firstIndex(where: { $0.at > horizon }), firstInside > 1 {
            samples.removeFirst(firstInside - 1)
        }
    }

    /// The time-weighted mean over `(now - period, now]`, each sample holding until the next one;
    /// 0 with no samples.
    public func mean(at now: Instant) -> Double {
        guard let last = samples.last else { return 0 }
        let start = now.advanced(by: .zero - period)
        var weighted = 0.0
        var covered = 0.0
        for (index, sample) in samples.enumerated() {
            let from = max(sample.at, start)
            let to = index + 1 < samples.count ? samples[index + 1].at : now
            guard to > from else { continue }
            let seconds = from.duration(to: to).secondsValue
            weighted += sample.inFlight * seconds
            covered += seconds
        }
        return covered > 0 ? weighted / covered : last.inFlight
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
