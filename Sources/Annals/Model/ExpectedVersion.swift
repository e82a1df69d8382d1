import AnnalsLog
/// What an append expects of its stream's current version; checked atomically with the write.
///
/// Versions count a stream's events from 0: the first event of a stream has version 0, so a
/// stream holding n events has version n - 1.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// Append whatever the stream's state (a soft-deleted stream is revived).
    case any
    /// The stream must not exist: never written, or soft-deleted (which revives it).
    case noStream
    /// The stream must exist and be live (hold at least one readable event).
    case streamExists
    /// The stream's last version must be exactly this.
    case exact(UInt64)

    /// The case as written in Swift, such as `exact(4)`.
    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "noStream"
        case .streamExists: "streamExists"
        case .exact(let version): "exact(\(version))"
        }
    }

    /// True when a stream whose live last version is `actual` (nil: no live stream) satisfies this.
    func accepts(actual: UInt64?) -> Bool {
        switch self {
        case .any: true
        case .noStream: actual == nil
        case .streamExists: actual != nil
        case .exact(let version): actual == version
        }
    }
}
