import AnnalsLog
/// The name of an event stream, such as `order-17`.
///
/// A name is 1 to 1024 bytes of UTF-8. Its *category* is the part before the first `-`
/// (`order` for `order-17`); a name without `-` is its own category.
public struct StreamName: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The name as given.
    public let rawValue: String

    /// The stream named `rawValue` (checked when used: 1 to ``bytesMax`` UTF-8 bytes).
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The stream named by a string literal, such as `"order-17"`.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The stream named by an interpolated string, such as `"order-\(id)"`.
    public init(stringInterpolation: DefaultStringInterpolation) { self.rawValue = String(stringInterpolation: stringInterpolation) }

    /// The stream prefix before the first `-`, or the whole name when it has none.
    public var category: String {
        guard let dash = rawValue.firstIndex(of: "-") else { return rawValue }
        return String(rawValue[..<dash])
    }

    /// The name as a string.
    public var description: String { rawValue }

    /// Orders names by their strings, as ``EventStore/streams()`` lists them.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The most UTF-8 bytes a name may take (the log's limit).
    public static let bytesMax = 1024

    /// Throws `.invalidArgument` unless the name can be stored.
    func validate() throws(EventStoreError) {
        let count = rawValue.utf8.count
        guard count > 0, count <= Self.bytesMax else {
            throw .invalidArgument(.init("stream name must be 1...\(Self.bytesMax) UTF-8 bytes, got \(count)", stream: count > 0 ? self : nil))
        }
    }
}
