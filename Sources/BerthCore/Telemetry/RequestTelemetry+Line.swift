import Foundation

/// The JSON line of a record, written by hand: a replica writes one per scoring request, and
/// `JSONEncoder` with a custom date strategy costs tens of microseconds a line on Linux — CPU the
/// replica's event loops and Python workers share. The output is what `BerthJSON`'s encoder writes
/// (sorted keys, the timestamp as `BerthJSON.text(of:)`), with `/` unescaped; a test holds them equal.
extension RequestTelemetry {
    /// The record as one line of JSON with its newline: keys sorted, the timestamp with
    /// milliseconds, `/` as it is (names are paths).
    public func jsonLine() -> Data {
        var line = "{\"customDimensions\":{"
        var first = true
        for key in customDimensions.keys.sorted() {
            if !first { line += "," }
            first = false
            JSONStringLiteral.append(key, to: &line)
            line += ":"
            JSONStringLiteral.append(customDimensions[key] ?? "", to: &line)
        }
        line += "},\"duration\":"
        line += duration.isFinite ? Self.number(duration) : "0"
        line += ",\"id\":"
        JSONStringLiteral.append(id, to: &line)
        line += ",\"name\":"
        JSONStringLiteral.append(name, to: &line)
        line += ",\"resultCode\":"
        JSONStringLiteral.append(resultCode, to: &line)
        line += success ? ",\"success\":true" : ",\"success\":false"
        line += ",\"timestamp\":\""
        line += Self.timestampText(timestamp)
        line += "\"}\n"
        return Data(line.utf8)
    }

    /// `12.5` for 12.5, `12` for 12.0, as `JSONEncoder` writes numbers.
    private static func number(_ value: Double) -> String {
        if value == value.rounded(.towardZero), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// `2026-11-26T01:59:12.123Z`, as `BerthJSON.text(of:)` writes it (rounded to the
    /// millisecond), from the date's days and seconds since 1970 (Howard Hinnant's
    /// `civil_from_days`) rather than a date formatter.
    static func timestampText(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = Int(milliseconds - seconds * 1000)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = Int(seconds - days * 86400)
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 3))Z"
    }
}
