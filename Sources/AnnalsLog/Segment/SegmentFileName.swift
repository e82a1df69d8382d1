/// Builds and parses every file name in a store directory (FORMAT.md §1). No other code
/// spells a suffix or pads a number.
package enum SegmentFileKind: String, Sendable, CaseIterable {
    /// A raw segment: the active one, or a full one not yet sealed.
    case log
    /// The position index of a segment.
    case positionIndex = "pidx"
    /// A sealed (compressed, immutable) segment.
    case sealed
    /// The stream index of a segment.
    case streamIndex = "sidx"
    /// The time index of a segment.
    case timeIndex = "tidx"
    /// The event-id index of a segment (stream layer, for idempotent appends).
    case eventIDIndex = "eidx"
    /// The query index of a segment (stream layer: event types, categories and tags).
    case queryIndex = "qidx"
}

package struct SegmentFileName: Hashable, Sendable, CustomStringConvertible {
    static let digits = 20
    package static let temporarySuffix = ".tmp"
    static let lockFile = "LOCK"
    static let cleanShutdownFile = "CLEAN"
    static let headFile = "HEAD"

    package var base: LogPosition
    package var kind: SegmentFileKind

    /// `00000000000000000001.log`: zero-padded so `ls` lists segments in position order.
    package var description: String {
        let number = String(base.rawValue)
        return String(repeating: "0", count: max(0, Self.digits - number.count)) + number + "." + kind.rawValue
    }

    /// The name a file has while it is being written, before its atomic rename.
    var temporaryName: String { description + Self.temporarySuffix }

    /// Parses a name this type built; nil for anything else (including temporary names).
    package init?(parsing name: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == Self.digits,
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let number = UInt64(parts[0]), let kind = SegmentFileKind(rawValue: String(parts[1]))
        else { return nil }
        self.init(base: LogPosition(number), kind: kind)
    }

    package init(base: LogPosition, kind: SegmentFileKind) {
        self.base = base
        self.kind = kind
    }

    static func isTemporary(_ name: String) -> Bool {
        name.hasSuffix(temporarySuffix)
    }
}
