#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The limits on an event's tags (docs/DCB.md), checked before an append reaches the log so the
/// error names the stream and event. The log checks them again (FORMAT.md §3 "Tags").
enum EventTags {
    static let perEventMax = EventData.tagsMax
    static let bytesMax = EventData.tagBytesMax

    static func validate(_ tags: [String], stream: StreamName? = nil, eventID: UUID? = nil) throws(EventStoreError) {
        guard tags.count <= perEventMax else {
            throw .invalidArgument(.init("an event may carry at most \(perEventMax) tags, got \(tags.count)", stream: stream, eventID: eventID))
        }
        for (index, tag) in tags.enumerated() {
            try validate(tag, stream: stream, eventID: eventID)
            guard !tags[..<index].contains(tag) else {
                throw .invalidArgument(.init("tag \"\(tag.prefix(40))\" appears twice on one event", stream: stream, eventID: eventID))
            }
        }
    }

    static func validate(_ tag: String, stream: StreamName? = nil, eventID: UUID? = nil) throws(EventStoreError) {
        let bytes = tag.utf8.count
        guard bytes > 0, bytes <= bytesMax else {
            throw .invalidArgument(.init("a tag must be 1...\(bytesMax) UTF-8 bytes, got \(bytes) (\"\(tag.prefix(40))\")", stream: stream, eventID: eventID))
        }
    }
}
