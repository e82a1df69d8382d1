import Annals
import AnnalsLog
import Foundation

/// The JSON line `annals read` and `annals subscribe` write for an event: position, stream, version, type, id,
/// timestamp (ISO 8601, UTC), data and metadata. `data` and `metadata` are written back as the
/// JSON values that were appended; bytes that are not JSON (appended through the library) are
/// written as base64 strings under `dataBase64` / `metadataBase64` instead.
enum RecordJSON {
    static func line(_ event: RecordedEvent, writer: inout JSONWriter) -> [UInt8] {
        writer.beginObject()
        writer.field("position", event.position.rawValue)
        writer.field("stream", event.stream.rawValue)
        writer.field("version", event.version)
        writer.field("type", event.type)
        writer.field("id", event.id.uuidString.lowercased())
        writer.field("timestamp", Timestamps.iso8601(nanoseconds: event.timestampNanoseconds))
        value("data", event.data, emptyIsNull: false, writer: &writer)
        value("metadata", event.metadata, emptyIsNull: true, writer: &writer)
        writer.endObject()
        return writer.finishLine()
    }

    private static func value(_ name: String, _ bytes: [UInt8], emptyIsNull: Bool, writer: inout JSONWriter) {
        if bytes.isEmpty && emptyIsNull {
            writer.field(name, rawJSON: Array("null".utf8))
        } else if JSONScanner.isValidValue(bytes) {
            writer.field(name, rawJSON: bytes)
        } else {
            writer.field(name + "Base64", Data(bytes).base64EncodedString())
        }
    }
}

/// ISO 8601 timestamps in UTC with millisecond precision, computed without shared formatter
/// state (civil-from-days arithmetic), so any thread may call them.
enum Timestamps {
    static func iso8601(nanoseconds: Int64) -> String {
        // Floor division without overflow, for any stored value (Int64.min included).
        func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
            let quotient = value / divisor
            return value % divisor < 0 ? quotient - 1 : quotient
        }
        let milliseconds = floorDivide(nanoseconds, 1_000_000)
        var days = floorDivide(milliseconds, 86_400_000)
        let dayMilliseconds = milliseconds - days * 86_400_000
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let seconds = dayMilliseconds / 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(dayMilliseconds % 1000, 3))Z"
    }

    /// Parses an ISO 8601 date-time (with or without fractional seconds, `Z` or an offset) or a
    /// full date (midnight UTC) into nanoseconds since 1970, at millisecond precision; nil if it
    /// is neither. Times beyond what nanoseconds in an Int64 reach (about 1677...2262) are
    /// clamped to its ends, which no stored timestamp passes.
    static func parse(_ text: String) -> Int64? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate, .withDashSeparatorInDate]
        guard let date = fractional.date(from: text) ?? plain.date(from: text) ?? dateOnly.date(from: text) else { return nil }
        let milliseconds = (date.timeIntervalSince1970 * 1e3).rounded()
        guard milliseconds.isFinite else { return nil }
        let limit = Double(Int64.max / 1_000_000)
        if milliseconds >= limit { return .max }
        if milliseconds <= -limit { return .min }
        return Int64(milliseconds) * 1_000_000
    }
}
