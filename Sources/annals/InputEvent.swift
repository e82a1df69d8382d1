import AnnalsLog

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

    init(line: [UInt8]) throws(JSONError) {
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
        stream = try Self.string(line, seen, "stream")
        type = try Self.string(line, seen, "type")
        guard !stream.isEmpty else { throw JSONError(message: "\"stream\" must not be empty", offset: 0) }
        guard !type.isEmpty else { throw JSONError(message: "\"type\" must not be empty", offset: 0) }
        guard let dataRange = seen["data"] else { throw JSONError(message: "missing field \"data\"", offset: 0) }
        data = Array(line[dataRange])
        metadata = []
        if let range = seen["metadata"], line[range.lowerBound] != UInt8(ascii: "n") {
            guard line[range.lowerBound] == UInt8(ascii: "{") else {
                throw JSONError(message: "\"metadata\" must be an object", offset: range.lowerBound)
            }
            metadata = Array(line[range])
        }
        if seen["id"] != nil {
            let text = try Self.string(line, seen, "id")
            guard let parsed = EventID(uuidString: text) else {
                throw JSONError(message: "\"id\" is not a UUID: \(text)", offset: seen["id"]!.lowerBound)
            }
            id = parsed
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
