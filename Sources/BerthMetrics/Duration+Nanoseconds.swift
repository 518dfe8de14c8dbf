extension Duration {
    /// This duration in whole nanoseconds, saturating at `Int64.min` and `Int64.max` (a "forever"
    /// wait stays forever): the router's clock, its histograms and the control plane's timers count
    /// in it.
    public var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflowed) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowed ? (scaled < 0 ? .min : .max) : sum
    }
}
