/// ISO 8601 text of a UTC instant in milliseconds since 1970, as Python's
/// `datetime.isoformat()` writes it with the zone as `Z`: `2026-01-01T00:00:00.452000Z`, or
/// without the fraction when it is zero. No Foundation formatter, so it is the same everywhere.
enum Timestamp {
    /// Milliseconds since 1970 of 2026-01-01T00:00:00Z, the workload's first instant.
    static let workloadStartMilliseconds: Int64 = 1_767_225_600_000

    static func iso(milliseconds: Int64) -> String {
        precondition(milliseconds >= 0, "the workload's clock starts in 2026")
        let days = milliseconds / 86_400_000
        let inDay = milliseconds % 86_400_000
        let (year, month, day) = civil(daysSince1970: days)
        let hour = inDay / 3_600_000, minute = inDay / 60_000 % 60, second = inDay / 1000 % 60, millis = inDay % 1000
        var text = "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
        if millis != 0 { text += "." + three(millis) + "000" }
        return text + "Z"
    }

    /// Year, month, day of a day count since 1970-01-01 (the proleptic Gregorian calendar;
    /// Howard Hinnant's days-to-civil algorithm, valid for every day after 1970).
    static func civil(daysSince1970: Int64) -> (Int64, Int64, Int64) {
        let z = daysSince1970 + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func three(_ value: Int64) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }
}
