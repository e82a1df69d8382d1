import Annals
import AnnalsJSON
import ArgumentParser

/// A tag query given on the command line: `--query`/`--fail-if-match` JSON
/// (`[{"types": [...], "tags": [...]}, ...]`), or `--type`/`--tag` options for one item. Every
/// type and tag is checked against the store's limits here, so a bad one is a usage error.
enum QueryArgument {
    /// The query `text` holds (the JSON form, `EventQueryJSON`); `option` names it in errors.
    static func parse(_ text: String, option: String) throws -> EventQuery {
        let parsed: EventQueryJSON
        do { parsed = try EventQueryJSON.parse(text) } catch {
            throw ValidationError("\(option) is not a query: \(error) (expected [{\"types\": [...], \"tags\": [...]}, ...])")
        }
        guard !parsed.items.isEmpty else {
            throw ValidationError("\(option) needs at least one item ([{}] matches every event)")
        }
        for item in parsed.items { try check(types: item.types, tags: item.tags, in: option) }
        return EventQuery(parsed.items.map { EventQuery.Item(types: $0.types, tags: $0.tags) })
    }

    /// The one-item query of `--type` (any of them; none: any type) and `--tag` (all of them).
    static func query(types: [String], tags: [String]) throws -> EventQuery {
        try check(types: types, tags: tags, in: nil)
        return EventQuery(types: types, tags: tags)
    }

    /// Types are 1...`StreamName.bytesMax` bytes, tags 1...`InputEvent.tagBytesMax`: what an event can carry.
    private static func check(types: [String], tags: [String], in option: String?) throws {
        let place = option.map { " in \($0)" } ?? ""
        for type in types where type.isEmpty || type.utf8.count > InputEvent.nameBytesMax {
            throw ValidationError("a type\(place) must be 1...\(InputEvent.nameBytesMax) bytes of UTF-8, got \(type.utf8.count)")
        }
        for tag in tags where tag.isEmpty || tag.utf8.count > InputEvent.tagBytesMax {
            throw ValidationError("a tag\(place) must be 1...\(InputEvent.tagBytesMax) bytes of UTF-8, got \(tag.utf8.count)")
        }
    }
}
