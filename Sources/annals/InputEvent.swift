import Annals
import AnnalsLog
import Foundation

/// One input line of `annals append`:
/// `{"stream": S, "type": T, "data": <any JSON>, "metadata": <object, optional>, "id": <uuid, optional>}`.
/// `data` and `metadata` keep their exact bytes, so `annals read` writes back what was given.
struct InputEvent {
    var stream: String
    var type: String
    var data: [UInt8]
    var metadata: [UInt8]
    var id: EventID?

    static let fields: Set<String> = ["stream", "type", "data", "metadata", "id"]
    /// The longest stream name and event type, in UTF-8 bytes (the log's limits).
    static let nameBytesMax = StreamName.bytesMax

    /// Parses `line`. Without a "stream" field the event goes to `defaultStream` (from
    /// `--stream`); with one, it must name that same stream when a default is given.
    init(line: [UInt8], defaultStream: String? = nil) throws(JSONError) {
        let members = try JSONScanner.objectMembers(line)
        var seen: [String: Range<Int>] = [:]
        for member in members {
            guard Self.fields.contains(member.key) else {
                throw JSONError(message: "unknown field \"\(member.key)\" (expected stream, type, data, metadata, id)", offset: member.value.lowerBound)
            }
            guard seen.updateValue(member.value, forKey: member.key) == nil else {
                throw JSONError(message: "field \"\(member.key)\" appears twice", offset: member.value.lowerBound)
            }
        }
        if let defaultStream, seen["stream"] == nil {
            stream = defaultStream
        } else {
            stream = try Self.string(line, seen, "stream")
        }
        if let defaultStream, stream != defaultStream {
            throw JSONError(message: "\"stream\" is \"\(stream)\" but --stream is \"\(defaultStream)\"", offset: seen["stream"]?.lowerBound ?? 0)
        }
        type = try Self.string(line, seen, "type")
        try Self.checkName(stream, "stream")
        try Self.checkName(type, "type")
        guard let dataRange = seen["data"] else { throw JSONError(message: "missing field \"data\"", offset: 0) }
        data = Array(line[dataRange])
        metadata = []
        if let range = seen["metadata"], line[range.lowerBound] != UInt8(ascii: "n") {
            guard line[range.lowerBound] == UInt8(ascii: "{") else {
                throw JSONError(message: "\"metadata\" must be an object", offset: range.lowerBound)
            }
            metadata = Array(line[range])
        }
        if let range = seen["id"] {
            let text = try Self.string(line, seen, "id")
            guard let parsed = EventID(uuidString: text) else {
                throw JSONError(message: "\"id\" is not a UUID: \(text)", offset: range.lowerBound)
            }
            id = parsed
        }
    }

    /// The event as the store takes it; an event without an id gets a fresh UUIDv7.
    var eventData: EventData {
        EventData(id: id.map(UUID.init(eventID:)), type: type, data: data, metadata: metadata)
    }

    /// The bytes the event takes in the log (its version does not change its size).
    var storedBytes: Int {
        LogEntry(stream: stream, eventType: type, streamVersion: 0, eventID: id ?? EventID(high: 0, low: 0),
                 metadata: metadata, payload: data).storedBytes
    }

    private static func checkName(_ name: String, _ field: String) throws(JSONError) {
        guard !name.isEmpty else { throw JSONError(message: "\"\(field)\" must not be empty", offset: 0) }
        guard name.utf8.count <= nameBytesMax else {
            throw JSONError(message: "\"\(field)\" takes \(name.utf8.count) bytes; the most is \(nameBytesMax)", offset: 0)
        }
    }

    private static func string(_ line: [UInt8], _ members: [String: Range<Int>], _ name: String) throws(JSONError) -> String {
        guard let range = members[name] else { throw JSONError(message: "missing field \"\(name)\"", offset: 0) }
        guard line[range.lowerBound] == UInt8(ascii: "\"") else {
            throw JSONError(message: "\"\(name)\" must be a string", offset: range.lowerBound)
        }
        return try JSONScanner.decodeString(line, range)
    }
}

extension UUID {
    /// The UUID with the same 16 bytes as a log event id.
    init(eventID: EventID) {
        let b = eventID.bytes
        self.init(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
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
