import AnnalsJSON
import Annals
import AnnalsLog
import FoundationEssentials

/// The JSON line `annals read` and `annals subscribe` write for an event: position, stream, version, type,
/// tags, id, timestamp (ISO 8601, UTC), data and metadata. `data` and `metadata` are written back as the
/// JSON values that were appended; bytes that are not JSON (appended through the library) are
/// written as base64 strings under `dataBase64` / `metadataBase64` instead. `tags` is left out
/// for an event without tags, so such an event's line is what it was before events had tags.
enum RecordJSON {
    /// The event's line, alone (for `annals subscribe`, which writes each as it comes).
    static func line(_ event: RecordedEvent, writer: inout JSONWriter) -> [UInt8] {
        append(event, to: &writer)
        defer { writer.removeAll() }
        return writer.bytes
    }

    /// Appends the event's line to `writer`, which collects many lines for one write.
    static func append(_ event: RecordedEvent, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("position", event.position.rawValue)
        writer.field("stream", event.stream.rawValue)
        writer.field("version", event.version)
        writer.field("type", event.type)
        if !event.tags.isEmpty { appendTags(event.tags, to: &writer) }
        writer.key("id")
        appendUUID(event.id, to: &writer)
        writer.key("timestamp")
        writer.appendFixed(count: Timestamps.iso8601Bytes + 2) { out in
            out[0] = UInt8(ascii: "\"")
            Timestamps.writeISO8601(nanoseconds: event.timestampNanoseconds, to: out + 1)
            out[Timestamps.iso8601Bytes + 1] = UInt8(ascii: "\"")
        }
        if JSONValidator.isValidValue(event.data) {
            writer.field("data", rawJSON: event.data)
        } else {
            writer.field("dataBase64", Data(event.data).base64EncodedString())
        }
        if event.metadata.isEmpty {
            writer.field("metadata", rawJSON: Self.null)
        } else if JSONValidator.isValidValue(event.metadata) {
            writer.field("metadata", rawJSON: event.metadata)
        } else {
            writer.field("metadataBase64", Data(event.metadata).base64EncodedString())
        }
        writer.endObject()
        writer.endLine()
    }

    private static let null: [UInt8] = Array("null".utf8)

    /// `,"tags":["a","b"]`, each tag copied in one piece unless it needs escaping.
    private static func appendTags(_ tags: [String], to writer: inout JSONWriter) {
        writer.key("tags")
        writer.appendValue { bytes in bytes.append(UInt8(ascii: "[")) }
        for (index, tag) in tags.enumerated() {
            if index > 0 { writer.appendValue { bytes in bytes.append(UInt8(ascii: ",")) } }
            writer.appendString(tag)
        }
        writer.appendValue { bytes in bytes.append(UInt8(ascii: "]")) }
    }

    /// The id as a quoted lowercase UUID string, without making a `String`.
    private static func appendUUID(_ id: UUID, to writer: inout JSONWriter) {
        let hex: StaticString = "0123456789abcdef"
        writer.appendFixed(count: 38) { out in  // a quote, 32 hex digits, 4 dashes, a quote
            out[0] = UInt8(ascii: "\"")
            var at = 1
            withUnsafeBytes(of: id.uuid) { uuid in
                for (index, byte) in uuid.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 { out[at] = UInt8(ascii: "-"); at += 1 }
                    out[at] = hex.utf8Start[Int(byte >> 4)]
                    out[at + 1] = hex.utf8Start[Int(byte & 15)]
                    at += 2
                }
            }
            precondition(at == 37, "a UUID is 36 characters")
            out[37] = UInt8(ascii: "\"")
        }
    }
}

/// ISO 8601 timestamps in UTC with millisecond precision, computed without shared formatter
/// state (civil-from-days arithmetic), so any thread may call them.
enum Timestamps {
    static func iso8601(nanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        appendISO8601(nanoseconds: nanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The length of `YYYY-MM-DDTHH:MM:SS.mmmZ`: every Int64 of nanoseconds has a 4-digit year.
    static let iso8601Bytes = 24

    /// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ` without making a `String`.
    static func appendISO8601(nanoseconds: Int64, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: iso8601Bytes) { scratch in
            writeISO8601(nanoseconds: nanoseconds, to: scratch.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(scratch))
        }
    }

    /// Writes `YYYY-MM-DDTHH:MM:SS.mmmZ`, exactly `iso8601Bytes` bytes, at `out`: `annals read`
    /// writes one per event.
    static func writeISO8601(nanoseconds: Int64, to out: UnsafeMutablePointer<UInt8>) {
        var at = 0
        func put(_ byte: UInt8) { out[at] = byte; at += 1 }
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
        // Fixed-width decimal: every field fits its width (years are 1677...2262 for Int64 nanoseconds).
        // Constant divisors only, which compile to multiplications: one call per event of `read`.
        func digits(_ value: Int64, _ width: Int) {
            precondition(width >= 2 && width <= 4 && value >= 0, "a field is 2 to 4 digits")
            precondition(value < (width == 4 ? 10_000 : width == 3 ? 1_000 : 100), "a field fits its width")
            let value = Int(value)
            if width == 4 { put(UInt8(truncatingIfNeeded: value / 1000) + 0x30) }
            if width >= 3 { put(UInt8(truncatingIfNeeded: value / 100 % 10) + 0x30) }
            put(UInt8(truncatingIfNeeded: value / 10 % 10) + 0x30)
            put(UInt8(truncatingIfNeeded: value % 10) + 0x30)
        }
        let seconds = dayMilliseconds / 1000
        digits(year, 4)
        put(UInt8(ascii: "-")); digits(month, 2)
        put(UInt8(ascii: "-")); digits(day, 2)
        put(UInt8(ascii: "T")); digits(seconds / 3600, 2)
        put(UInt8(ascii: ":")); digits(seconds / 60 % 60, 2)
        put(UInt8(ascii: ":")); digits(seconds % 60, 2)
        put(UInt8(ascii: ".")); digits(dayMilliseconds % 1000, 3)
        put(UInt8(ascii: "Z"))
        precondition(at == iso8601Bytes, "the time is exactly its fixed width")
    }

    /// Parses an ISO 8601 date-time (`YYYY-MM-DDTHH:MM:SS`, optional fractional seconds, then
    /// `Z` or an offset `±HH:MM` / `±HHMM`) or a full date (`YYYY-MM-DD`, midnight UTC) into
    /// nanoseconds since 1970, at millisecond precision; nil if it is neither. Times beyond what
    /// nanoseconds in an Int64 reach (about 1677...2262) are clamped to its ends, which no stored
    /// timestamp passes. Hand-written so the CLI needs no date formatter (and no full Foundation).
    static func parse(_ text: String) -> Int64? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4...6), scanner.take("-"), let month = scanner.number(digits: 2...2),
              scanner.take("-"), let day = scanner.number(digits: 2...2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var milliseconds = daysFromCivil(year: year, month: month, day: day) * 86_400_000
        if !scanner.atEnd {
            guard scanner.take("T"), let hour = scanner.number(digits: 2...2), scanner.take(":"),
                  let minute = scanner.number(digits: 2...2), scanner.take(":"), let second = scanner.number(digits: 2...2),
                  hour < 24, minute < 60, second < 60 else { return nil }
            milliseconds += ((hour * 60 + minute) * 60 + second) * 1000
            if scanner.take(".") {
                guard let fraction = scanner.fractionMilliseconds() else { return nil }
                milliseconds += fraction
            }
            if scanner.take("Z") {
                // UTC
            } else if let sign: Int64 = scanner.take("+") ? 1 : scanner.take("-") ? -1 : nil {
                guard let hours = scanner.number(digits: 2...2) else { return nil }
                _ = scanner.take(":")
                guard let minutes = scanner.number(digits: 2...2), hours < 24, minutes < 60 else { return nil }
                milliseconds -= sign * (hours * 60 + minutes) * 60_000
            } else {
                return nil
            }
            guard scanner.atEnd else { return nil }
        }
        let limit = Int64.max / 1_000_000
        if milliseconds >= limit { return .max }
        if milliseconds <= -limit { return .min }
        return milliseconds * 1_000_000
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (the inverse of `iso8601`'s arithmetic).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads the parts of an ISO 8601 time: fixed-width numbers and separators.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    /// A number of `digits` decimal digits (as many as there are, within the range).
    mutating func number(digits: ClosedRange<Int>) -> Int64? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, count < digits.upperBound, bytes[index] &- 0x30 < 10 {
            value = value * 10 + Int64(bytes[index] - 0x30)
            index += 1
            count += 1
        }
        return digits.contains(count) ? value : nil
    }

    /// One or more fraction digits as milliseconds, rounded to the nearest.
    mutating func fractionMilliseconds() -> Int64? {
        var value: Int64 = 0
        var count = 0
        var roundUp = false
        while index < bytes.count, bytes[index] &- 0x30 < 10 {
            let digit = Int64(bytes[index] - 0x30)
            if count < 3 { value = value * 10 + digit } else if count == 3 { roundUp = digit >= 5 }
            index += 1
            count += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 3) { value *= 10 }
        return value + (roundUp ? 1 : 0)
    }
}
