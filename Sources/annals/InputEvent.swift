import Annals
import AnnalsJSON
import AnnalsLog
import FoundationEssentials

/// One input line of `annals append`:
/// `{"stream": S, "type": T, "data": <any JSON>, "metadata": <object, optional>, "id": <uuid, optional>,
/// "tags": <array of strings, optional>}`.
/// `data` and `metadata` keep their exact bytes, so `annals read` writes back what was given.
struct InputEvent {
    var stream: String
    var type: String
    var data: [UInt8]
    var metadata: [UInt8]
    var id: EventID?
    /// The event's tags, in input order: at most `tagsMax`, each 1...`tagBytesMax` bytes, none twice.
    var tags: [String] = []

    /// The longest stream name and event type, in UTF-8 bytes (the log's limits).
    static let nameBytesMax = StreamName.bytesMax
    /// The store's limits on an event's tags (docs/DCB.md), checked here so a bad line is
    /// refused with its number before anything of its read is committed; the store checks again.
    static let tagsMax = EventData.tagsMax
    static let tagBytesMax = EventData.tagBytesMax

    /// Parses `line`. Without a "stream" field the event goes to `defaultStream` (from
    /// `--stream`); with one, it must name that same stream when a default is given.
    init(line: UnsafeBufferPointer<UInt8>, defaultStream: String? = nil) throws(JSONError) {
        let fields = try EventLine.scan(line)
        if let defaultStream, fields.stream == nil {
            stream = defaultStream
        } else {
            stream = try Self.string(fields.stream, "stream", line)
        }
        if let defaultStream, stream != defaultStream {
            throw JSONError(message: "\"stream\" is \"\(stream)\" but --stream is \"\(defaultStream)\"", offset: fields.stream?.value.lowerBound ?? 0)
        }
        type = try Self.string(fields.type, "type", line)
        try Self.checkName(stream, "stream")
        try Self.checkName(type, "type")
        guard let dataRange = fields.data?.value else { throw JSONError(message: "missing field \"data\"", offset: 0) }
        data = Array(UnsafeBufferPointer(rebasing: line[dataRange]))
        metadata = []
        if let range = fields.metadata?.value, line[range.lowerBound] != UInt8(ascii: "n") {
            guard line[range.lowerBound] == UInt8(ascii: "{") else {
                throw JSONError(message: "\"metadata\" must be an object", offset: range.lowerBound)
            }
            metadata = Array(UnsafeBufferPointer(rebasing: line[range]))
        }
        if let member = fields.tags, line[member.value.lowerBound] != UInt8(ascii: "n") {
            tags = try Self.tags(member, line)
        }
        if let member = fields.id {
            let text = try Self.string(member, "id", line)
            guard let parsed = Self.eventID(text) else {
                throw JSONError(message: "\"id\" is not a UUID: \(text)", offset: member.value.lowerBound)
            }
            id = parsed
        }
    }

    /// The event as the store takes it; an event without an id gets a fresh UUIDv7.
    var eventData: EventData {
        EventData(id: id.map(UUID.init(eventID:)), type: type, data: data, metadata: metadata, tags: tags)
    }

    /// The bytes the event takes in the log (its version does not change its size).
    var storedBytes: Int {
        LogEntry(stream: stream, eventType: type, streamVersion: 0, eventID: id ?? EventID(high: 0, low: 0),
                 tags: tags, metadata: metadata, payload: data).storedBytes
    }

    /// The `"tags"` array (`null` stands for none), checked against the store's limits.
    private static func tags(_ member: EventLine.Member, _ line: UnsafeBufferPointer<UInt8>) throws(JSONError) -> [String] {
        let strings = try JSONStringArray.scan(line, at: member.value, field: "tags")
        let offset = member.value.lowerBound
        guard strings.count <= tagsMax else {
            throw JSONError(message: "\"tags\" holds \(strings.count) tags; the most is \(tagsMax)", offset: offset)
        }
        var tags: [String] = []
        tags.reserveCapacity(strings.count)
        for string in strings {
            let tag = string.decoded(in: line)
            let bytes = tag.utf8.count
            guard bytes > 0 else { throw JSONError(message: "a tag must not be empty", offset: string.contents.lowerBound) }
            guard bytes <= tagBytesMax else {
                throw JSONError(message: "a tag takes \(bytes) bytes; the most is \(tagBytesMax)", offset: string.contents.lowerBound)
            }
            guard !tags.contains(tag) else {
                throw JSONError(message: "tag \"\(tag)\" appears twice", offset: string.contents.lowerBound)
            }
            tags.append(tag)
        }
        return tags
    }

    private static func checkName(_ name: String, _ field: String) throws(JSONError) {
        guard !name.isEmpty else { throw JSONError(message: "\"\(field)\" must not be empty", offset: 0) }
        guard name.utf8.count <= nameBytesMax else {
            throw JSONError(message: "\"\(field)\" takes \(name.utf8.count) bytes; the most is \(nameBytesMax)", offset: 0)
        }
    }

    private static func string(_ member: EventLine.Member?, _ name: String, _ line: UnsafeBufferPointer<UInt8>) throws(JSONError) -> String {
        guard let member else { throw JSONError(message: "missing field \"\(name)\"", offset: 0) }
        guard let string = member.string else {
            throw JSONError(message: "\"\(name)\" must be a string", offset: member.value.lowerBound)
        }
        return string.decoded(in: line)
    }

    /// A UUID's 32 hex digits in 36 characters, the other four being dashes (as
    /// `EventID(uuidString:)` takes them), without making an array per id.
    static func eventID(_ text: String) -> EventID? {
        let utf8 = text.utf8
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        var digits = 0
        for byte in utf8 where byte != UInt8(ascii: "-") {
            let value: UInt8
            switch byte {
            case 0x30...0x39: value = byte - 0x30
            case 0x41...0x46: value = byte - 0x41 + 10
            case 0x61...0x66: value = byte - 0x61 + 10
            default: return nil
            }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
        }
        guard digits == 32 else { return nil }
        return EventID(high: high, low: low)
    }
}

extension UUID {
    /// The UUID with the same 16 bytes as a log event id.
    init(eventID: EventID) {
        let (h, l) = (eventID.high, eventID.low)
        func byte(_ word: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> (56 - 8 * index)) }
        self.init(uuid: (byte(h, 0), byte(h, 1), byte(h, 2), byte(h, 3), byte(h, 4), byte(h, 5), byte(h, 6), byte(h, 7),
                         byte(l, 0), byte(l, 1), byte(l, 2), byte(l, 3), byte(l, 4), byte(l, 5), byte(l, 6), byte(l, 7)))
    }

    /// The log event id with the same 16 bytes.
    var logEventID: EventID {
        let u = uuid
        return EventID(high: UInt64(u.0) << 56 | UInt64(u.1) << 48 | UInt64(u.2) << 40 | UInt64(u.3) << 32
                           | UInt64(u.4) << 24 | UInt64(u.5) << 16 | UInt64(u.6) << 8 | UInt64(u.7),
                       low: UInt64(u.8) << 56 | UInt64(u.9) << 48 | UInt64(u.10) << 40 | UInt64(u.11) << 32
                           | UInt64(u.12) << 24 | UInt64(u.13) << 16 | UInt64(u.14) << 8 | UInt64(u.15))
    }
}
