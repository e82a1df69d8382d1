#if canImport(Glibc)
import Glibc
#endif
import AnnalsLog

/// An `EventQuery` compiled for matching records: each item's types and tags as UTF-8 bytes, so
/// a match is a few `memcmp`s over the record's own bytes, with no `String` and no generic call.
/// Built once per query (it is stored in the query), then used for every record a read or a
/// subscription tests.
struct QueryMatcher: Sendable {
    private struct Item: Sendable {
        var types: [[UInt8]]
        var tags: [[UInt8]]
    }

    private let items: [Item]

    init(_ items: [EventQuery.Item]) {
        self.items = items.map { Item(types: $0.types.map { Array($0.utf8) }, tags: $0.tags.map { Array($0.utf8) }) }
    }

    /// True when an event with this type and tags section matches some item.
    func matches(type: UnsafeRawBufferPointer, tags section: UnsafeRawBufferPointer) -> Bool {
        items.contains { item in
            (item.types.isEmpty || item.types.contains { Self.equal($0, type) })
                && item.tags.allSatisfy { Self.section(section, holds: $0) }
        }
    }

    /// True when the well-formed tags section (FORMAT.md §3) holds exactly `tag`.
    private static func section(_ section: UnsafeRawBufferPointer, holds tag: [UInt8]) -> Bool {
        var offset = 0
        while offset < section.count {
            let length = Int(section[offset])
            precondition(length > 0 && offset + 1 + length <= section.count, "the decoder checked the tags section")
            if length == tag.count && equal(tag, UnsafeRawBufferPointer(rebasing: section[(offset + 1)..<(offset + 1 + length)])) { return true }
            offset += 1 + length
        }
        return false
    }

    @inline(__always)
    private static func equal(_ wanted: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard wanted.count == bytes.count else { return false }
        guard !wanted.isEmpty else { return true }
        return wanted.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }
}
