/// The fields of one `annals append` input line,
/// `{"stream": S, "type": T, "data": <any JSON>, "metadata": <object or null>, "id": <string>,
/// "tags": <array of strings or null>}`,
/// located in the line's bytes after the whole line was validated as one JSON object.
///
/// Nothing is copied or decoded: each field is a byte range of the line, and a string-valued
/// one also carries its `JSONString`, so the caller makes a `String` only for what it stores.
public struct EventLine: Sendable {
    /// One member's value: its raw bytes, and its string literal when the value is a string.
    public struct Member: Sendable {
        public var value: Range<Int>
        public var string: JSONString?
    }

    public var stream: Member?
    public var type: Member?
    public var data: Member?
    public var metadata: Member?
    public var id: Member?
    public var tags: Member?

    /// Validates `line` as one JSON object (whitespace around it allowed) and finds its fields.
    /// A syntax error anywhere is reported first; then the first unknown or repeated field.
    public static func scan(_ line: UnsafeBufferPointer<UInt8>) throws(JSONError) -> EventLine {
        var cursor = JSONCursor(line)
        var fields = EventLine()
        var memberError: JSONError?
        cursor.skipWhitespace()
        guard cursor.current == UInt8(ascii: "{") else { throw cursor.error("expected a JSON object") }
        cursor.index += 1
        cursor.skipWhitespace()
        if cursor.current == UInt8(ascii: "}") {
            cursor.index += 1
        } else {
            while true {
                cursor.skipWhitespace()
                let key = try cursor.scanString()
                cursor.skipWhitespace()
                try cursor.expect(UInt8(ascii: ":"))
                cursor.skipWhitespace()
                let start = cursor.index
                var string: JSONString?
                if cursor.current == UInt8(ascii: "\"") { string = try cursor.scanString() } else { try cursor.skipValue(depth: 1) }
                let member = Member(value: start..<cursor.index, string: string)
                if memberError == nil { memberError = fields.set(key, member, in: line) }
                cursor.skipWhitespace()
                if cursor.current == UInt8(ascii: ",") { cursor.index += 1; continue }
                try cursor.expect(UInt8(ascii: "}"))
                break
            }
        }
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw cursor.error("unexpected bytes after the object") }
        if let memberError { throw memberError }
        return fields
    }

    /// Stores `member` under the field `key` names; the error for an unknown or repeated key.
    private mutating func set(_ key: JSONString, _ member: Member, in line: UnsafeBufferPointer<UInt8>) -> JSONError? {
        var taken = false
        // The key's length picks the one or two names it can be (an escaped key is compared
        // decoded, whatever its raw length).
        let length = key.hasEscapes ? -1 : key.contents.count
        if (length == 6 || length < 0) && key.equals("stream", in: line) { taken = stream != nil; stream = taken ? stream : member }
        else if (length == 4 || length < 0) && key.equals("type", in: line) { taken = type != nil; type = taken ? type : member }
        else if (length == 4 || length < 0) && key.equals("data", in: line) { taken = data != nil; data = taken ? data : member }
        else if (length == 8 || length < 0) && key.equals("metadata", in: line) { taken = metadata != nil; metadata = taken ? metadata : member }
        else if (length == 2 || length < 0) && key.equals("id", in: line) { taken = id != nil; id = taken ? id : member }
        else if (length == 4 || length < 0) && key.equals("tags", in: line) { taken = tags != nil; tags = taken ? tags : member }
        else {
            return JSONError(message: "unknown field \"\(key.decoded(in: line))\" (expected stream, type, data, metadata, id, tags)",
                             offset: member.value.lowerBound)
        }
        guard !taken else {
            return JSONError(message: "field \"\(key.decoded(in: line))\" appears twice", offset: member.value.lowerBound)
        }
        return nil
    }
}
