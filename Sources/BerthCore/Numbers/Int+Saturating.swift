/// Arithmetic that holds at `Int`'s bounds instead of trapping, for numbers that come from outside
/// the process, such as the loads routers report: with `+` a huge value would trap and take the
/// control plane down, with `&+` it would wrap to a negative load that reads as none.
extension Int {
    /// `self + other`, held at `Int.max` (or `Int.min`) where the exact sum does not fit.
    public func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `value` rounded up to a whole number, held within `0...Int.max`: 0 for a value at or below
    /// 0 or not a number, `Int.max` for one at or beyond `Int`'s range.
    ///
    /// `Int(_:)` traps on a value outside `Int`'s range or not finite; a replica count computed
    /// from a reported load must not.
    public init(saturatingCeilingOf value: Double) {
        let up = value.rounded(.up)
        if !(up > 0) {
            self = 0
        } else if up >= 0x1p63 {
            // 2⁶³ is the first Double past Int.max, which a Double cannot hold exactly.
            self = .max
        } else {
            self = Int(up)
        }
    }
}
