/// The JSON form of a tag query (Dynamic Consistency Boundaries), as `annals append
/// --fail-if-match` and `annals read --query` take it: an array of items, each an object
/// `{"types": [...], "tags": [...]}` whose keys may both be absent (absent = empty).
///
/// Strict: any other key, a key given twice, or a value that is not an array of strings is an
/// error with its byte offset, so a misspelt key never silently widens a query to every event.
/// The strings are decoded; their limits (lengths, counts) are the caller's to check.
public struct EventQueryJSON: Sendable, Equatable {
    /// One item: its event types (empty: any) and the tags it requires (all of them).
    public struct Item: Sendable, Equatable {
        /// The event types the item accepts, decoded; empty accepts every type.
        public var types: [String]
        /// The tags an event must all carry, decoded; empty asks for none.
        public var tags: [String]

        /// An item of `types` (empty: any) and `tags` (all required).
        public init(types: [String] = [], tags: [String] = []) {
            self.types = types
            self.tags = tags
        }
    }

    /// The items, in the order given; an event matches the query when it matches any of them.
    public var items: [Item]

    /// A query of `items`.
    public init(items: [Item]) { self.items = items }

    /// Parses `text` (whitespace around the array allowed).
    public static func parse(_ text: String) throws(JSONError) -> EventQueryJSON {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) in try parse(buffer) }
    }

    /// Parses `buffer` (whitespace around the array allowed).
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONError) -> EventQueryJSON {
        var cursor = JSONCursor(buffer)
        cursor.skipWhitespace()
        guard cursor.current == UInt8(ascii: "[") else {
            throw cursor.error(#"a query must be a JSON array of items such as [{"types":["T"],"tags":["t:1"]}]"#)
        }
        cursor.index += 1
        cursor.skipWhitespace()
        var items: [Item] = []
        if cursor.current == UInt8(ascii: "]") {
            cursor.index += 1
        } else {
            while true {
                cursor.skipWhitespace()
                items.append(try item(&cursor, in: buffer))
                cursor.skipWhitespace()
                if cursor.current == UInt8(ascii: ",") { cursor.index += 1; continue }
                try cursor.expect(UInt8(ascii: "]"))
                break
            }
        }
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw cursor.error("unexpected bytes after the array") }
        return EventQueryJSON(items: items)
    }

    /// One item object at the cursor; the cursor moves past it.
    private static func item(_ cursor: inout JSONCursor, in buffer: UnsafeBufferPointer<UInt8>) throws(JSONError) -> Item {
        guard cursor.current == UInt8(ascii: "{") else { throw cursor.error(#"a query item must be an object {"types":[...],"tags":[...]}"#) }
        cursor.index += 1
        cursor.skipWhitespace()
        var types: [String]?
        var tags: [String]?
        if cursor.current == UInt8(ascii: "}") { cursor.index += 1; return Item() }
        while true {
            cursor.skipWhitespace()
            let keyOffset = cursor.index
            let key = try cursor.scanString()
            cursor.skipWhitespace()
            try cursor.expect(UInt8(ascii: ":"))
            cursor.skipWhitespace()
            let isTypes = key.equals("types", in: buffer)
            guard isTypes || key.equals("tags", in: buffer) else {
                throw JSONError(message: "unknown query key \"\(key.decoded(in: buffer))\" (expected types, tags)", offset: keyOffset)
            }
            guard (isTypes ? types : tags) == nil else {
                throw JSONError(message: "query key \"\(isTypes ? "types" : "tags")\" appears twice in one item", offset: keyOffset)
            }
            let strings = try JSONStringArray.scan(&cursor, field: isTypes ? "types" : "tags").map { $0.decoded(in: buffer) }
            if isTypes { types = strings } else { tags = strings }
            cursor.skipWhitespace()
            if cursor.current == UInt8(ascii: ",") { cursor.index += 1; continue }
            try cursor.expect(UInt8(ascii: "}"))
            return Item(types: types ?? [], tags: tags ?? [])
        }
    }
}
