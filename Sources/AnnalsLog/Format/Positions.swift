/// A record's logical place in the log: gapless, starting at 1 (FORMAT.md §1).
/// Kept apart from `FileOffset` by type, so a position can never be used as a byte offset.
///
/// Positions are `Strideable` with an `Int` stride, so a `ClosedRange<LogPosition>` (the
/// positions of an append) is a collection: `result.positions.count` counts its records, and
/// `for position in result.positions` visits each one.
public struct LogPosition: RawRepresentable, Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    /// The position as a number: 1 for the first record.
    public var rawValue: UInt64

    /// The position whose number is `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The position whose number is `rawValue`.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// The position of the first record a store ever holds.
    public static let first = LogPosition(Format.firstPosition)
    /// "Before the first record": never names a record.
    public static let beforeFirst = LogPosition(0)

    /// Orders positions by their number: the log's order.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    /// Equal numbers. Declared, so that equality never goes through `Strideable`'s default
    /// (`distance(to:) == 0`), which cannot represent every pair of positions.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }
    /// The position's number in decimal.
    public var description: String { String(rawValue) }

    /// The position `count` records later.
    public func advanced(by count: UInt64) -> LogPosition { LogPosition(rawValue + count) }

    /// The position `count` records later (earlier when negative). Traps below 0 or past
    /// `UInt64.max`, which no log reaches.
    public func advanced(by count: Int) -> LogPosition {
        count >= 0 ? LogPosition(rawValue + UInt64(count)) : LogPosition(rawValue - UInt64(count.magnitude))
    }

    /// How many records lie from `self` to `other` (negative when `other` is earlier),
    /// clamped to `Int`'s range: positions read from a damaged file can be any 64-bit number.
    public func distance(to other: LogPosition) -> Int {
        other.rawValue >= rawValue ? Int(clamping: other.rawValue - rawValue) : -Int(clamping: rawValue - other.rawValue)
    }
}

/// A physical byte offset inside one file.
struct FileOffset: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    var rawValue: UInt64

    init(rawValue: UInt64) { self.rawValue = rawValue }
    init(_ rawValue: UInt64) { self.rawValue = rawValue }
    init(_ rawValue: Int) {
        precondition(rawValue >= 0, "negative file offset")
        self.rawValue = UInt64(rawValue)
    }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    var description: String { String(rawValue) }
    var int: Int { Int(rawValue) }
}
