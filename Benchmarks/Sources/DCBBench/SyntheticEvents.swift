import Foundation

/// The synthetic store both engines hold: event `i` (0-based, log position `i + 1`) is a pure
/// function of `i`, so the Annals store and the SQLite database hold the same events and every
/// run builds the same data (event ids and commit times aside).
///
/// - Streams: ten consecutive events each; stream `s = i / 10` is `cat{s % 100}-{s}`, so a
///   category selects 1% of the store.
/// - Types: `Type{0..99}`, drawn by a hash of `i` (independent of the tags), 1% each.
/// - Tags: `course:c{i % 100}` (1% each) and `student:s{i % 50000}` (high cardinality).
/// - Payload: a JSON object of 100 to 300 bytes.
enum SyntheticEvents {
    static let eventsPerStream = 10
    static let categories = 100
    static let types = 100
    static let courses = 100
    static let students = 50_000
    /// The longest note a payload carries; each takes a prefix of it.
    static let padding = String(repeating: "n", count: 244)

    struct Event: Sendable {
        var stream: String
        var version: Int
        var type: String
        var tags: [String]
        var payload: [UInt8]
    }

    static func event(_ i: Int) -> Event {
        let streamNumber = i / eventsPerStream
        let hash = mix(UInt64(i))
        let course = "c\(i % courses)", student = "s\(i % students)"
        let pad = 64 + Int((hash >> 32) % 180)  // payload bytes about 110...300
        let payload = "{\"i\":\(i),\"course\":\"\(course)\",\"student\":\"\(student)\",\"note\":\"\(padding.prefix(pad))\"}"
        return Event(
            stream: "\(category(ofStream: streamNumber))-\(streamNumber)",
            version: i % eventsPerStream,
            type: "Type\(hash % UInt64(types))",
            tags: ["course:\(course)", "student:\(student)"],
            payload: Array(payload.utf8))
    }

    static func category(ofStream streamNumber: Int) -> String { "cat\(streamNumber % categories)" }

    /// SplitMix64's finalizer: a well-spread hash of the event number.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
