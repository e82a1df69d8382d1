/// A record's logical place in the log: gapless, starting at 1 (FORMAT.md §1).
/// Kept apart from `FileOffset` by type, so a position can never be used as a byte offset.
public struct LogPosition: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// The position of the first record a store ever holds.
    public static let first = LogPosition(Format.firstPosition)
    /// "Before the first record": never names a record.
    public static let beforeFirst = LogPosition(0)

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }

    public func advanced(by count: UInt64) -> LogPosition { LogPosition(rawValue + count) }
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
