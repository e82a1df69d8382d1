/// A JSON array whose elements must all be strings, such as an input line's `"tags"`.
public enum JSONStringArray {
    /// The string literals of the array at `range` of `buffer`, in order, as validated ranges of
    /// `buffer` (nothing is decoded). `field` names the value in the error when it is not an array
    /// of strings. The value need not have been validated before: a syntax error is a `JSONError`.
    public static func scan(_ buffer: UnsafeBufferPointer<UInt8>, at range: Range<Int>, field: String) throws(JSONError) -> [JSONString] {
        precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count, "the value lies inside its buffer")
        var cursor = JSONCursor(UnsafeBufferPointer(rebasing: buffer[..<range.upperBound]), from: range.lowerBound)
        let strings = try scan(&cursor, field: field)
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw cursor.error("unexpected bytes after the array") }
        return strings
    }

    /// Reads the array at the cursor and moves past it.
    static func scan(_ cursor: inout JSONCursor, field: String) throws(JSONError) -> [JSONString] {
        guard cursor.current == UInt8(ascii: "[") else { throw cursor.error("\"\(field)\" must be an array of strings") }
        cursor.index += 1
        cursor.skipWhitespace()
        var strings: [JSONString] = []
        if cursor.current == UInt8(ascii: "]") { cursor.index += 1; return strings }
        while true {
            cursor.skipWhitespace()
            guard cursor.current == UInt8(ascii: "\"") else { throw cursor.error("\"\(field)\" must be an array of strings") }
            strings.append(try cursor.scanString())
            cursor.skipWhitespace()
            if cursor.current == UInt8(ascii: ",") { cursor.index += 1; continue }
            try cursor.expect(UInt8(ascii: "]"))
            return strings
        }
    }
}
