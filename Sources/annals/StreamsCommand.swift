import AnnalsJSON
import Annals
import ArgumentParser

/// `annals streams --dir D [--json]`: lists each stream with its state, version, event count and
/// last timestamp, from the store's stream heads (no scan of the log).
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List every stream with its version, event count and last timestamp.",
        discussion: """
            The table has one row per stream: its name, its state (live, softDeleted or tombstoned), its last \
            readable version (- when none), its readable event count and the time of its last record. \
            With --json, one object per stream per line: \
            {"stream": S, "state": "live", "version": V or null, "eventCount": N, "lastTimestamp": ISO 8601 or null}.
            """)

    @Option(name: .long, help: "The store directory.")
    var dir: String

    @Flag(name: .long, help: "Write one JSON object per stream, one per line.")
    var json = false

    func run() async throws {
        let store = try await StoreAccess.openExisting(dir)
        let infos = try await StoreAccess.using(store) { store in
            do { return try store.streams() } catch { throw CLIError("listing streams failed: \(error)") }
        }
        StandardIO.write(json ? Self.jsonLines(infos) : Array((Self.table(infos) + "\n").utf8))
    }

    static func table(_ infos: [StreamInfo]) -> String {
        var rows = [["stream", "state", "version", "events", "last timestamp"]]
        for info in infos {
            rows.append([info.stream.rawValue, info.state.rawValue, info.version.map(String.init) ?? "-",
                         String(info.eventCount), timestamp(info).map { $0 } ?? "-"])
        }
        return TextTable.render(rows) + "\n\(infos.count) stream(s)"
    }

    static func jsonLines(_ infos: [StreamInfo]) -> [UInt8] {
        var writer = JSONWriter()
        var output: [UInt8] = []
        for info in infos {
            writer.beginObject()
            writer.field("stream", info.stream.rawValue)
            writer.field("state", info.state.rawValue)
            if let version = info.version { writer.field("version", version) } else { writer.field("version", rawJSON: Array("null".utf8)) }
            writer.field("eventCount", info.eventCount)
            if let time = timestamp(info) { writer.field("lastTimestamp", time) } else { writer.field("lastTimestamp", rawJSON: Array("null".utf8)) }
            writer.endObject()
            output += writer.finishLine()
        }
        return output
    }

    /// The last record's time, or nil when the store does not know it (stored as 0).
    private static func timestamp(_ info: StreamInfo) -> String? {
        info.lastTimestampNanoseconds > 0 ? Timestamps.iso8601(nanoseconds: info.lastTimestampNanoseconds) : nil
    }
}
