import Foundation

/// Today's `yyyy/MM/dd` in UTC, as `ModelDataCollector` names its day folders: where the tests of
/// model data collection (local and in Pods) find the rows collected now.
package func modelDataDayFolder(_ date: Date = Date()) -> String {
    let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
    return String(format: "%04d/%02d/%02d", parts.year!, parts.month!, parts.day!)
}
