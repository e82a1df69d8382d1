/// Whole-value validation: is a byte buffer exactly one JSON value?
public enum JSONValidator {
    /// True when `bytes` are exactly one valid JSON value, with optional whitespace around it.
    public static func isValidValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        (try? validate(bytes)) != nil
    }

    public static func isValidValue(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValidValue($0) }
    }

    /// Throws the first problem of `bytes` as one JSON value, with its offset.
    public static func validate(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) {
        var cursor = JSONCursor(bytes)
        cursor.skipWhitespace()
        try cursor.skipValue(depth: 0)
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw cursor.error("unexpected bytes after the value") }
    }
}
