import Annals
import ArgumentParser
import Foundation

/// `annals streams --dir D [--json]`: lists each stream with its state, version, event count and
/// last timestamp, from the store's stream heads (no scan of the log).
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List every stream with its version, event count and last timestamp.")

    @Option(name: .long, help: "The store directory.")
    var dir: String

    @Flag(name: .long, help: "Write one JSON object per stream, one per line.")
    var json = false

    func run() async throws {
        let store = try await EventStore.open(directory: dir)
        let infos = try store.streams()
        for info in infos {
            if json {
                print(try JSONLine.encode(StreamLine(info)))
            } else {
                let version = info.version.map(String.init) ?? "-"
                print("\(info.stream)\t\(info.state.rawValue)\tversion \(version)\tevents \(info.eventCount)\tlast \(JSONLine.iso8601(info.lastTimestampNanoseconds))")
            }
        }
        try await store.close()
    }
}

/// One stream as a JSON line.
struct StreamLine: Encodable {
    var stream: String
    var state: String
    var version: UInt64?
    var eventCount: UInt64
    var lastTimestamp: String

    init(_ info: StreamInfo) {
        stream = info.stream.rawValue
        state = info.state.rawValue
        version = info.version
        eventCount = info.eventCount
        lastTimestamp = JSONLine.iso8601(info.lastTimestampNanoseconds)
    }
}

/// Shared JSON-lines output helpers for the stream commands.
enum JSONLine {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// ISO 8601 with milliseconds, UTC (`2026-11-23T04:38:12.243Z`).
    static func iso8601(_ nanoseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(nanoseconds) / 1_000_000_000)
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
