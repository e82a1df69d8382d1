import AnnalsJSON
import AnnalsLog
import ArgumentParser

/// `annals stats`: segments, records, bytes and the position range.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show a store's segments, records, bytes and position range.")

    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "Write the stats as one JSON object.")
    var json = false

    func run() throws {
        let log = try store.openReadOnly()
        defer { try? log.close() }
        let stats: LogStats
        do { stats = try log.stats() } catch { throw CLIError("stats failed: \(error)") }
        StandardIO.write(json ? Self.json(stats) : Array((Self.table(stats) + "\n").utf8))
    }

    static func table(_ stats: LogStats) -> String {
        var rows = [["segment", "state", "first", "records", "bytes", "index bytes"]]
        for segment in stats.segments {
            rows.append([segment.file, segment.state, String(segment.firstPosition.rawValue), String(segment.records),
                         ByteCount.text(segment.bytes), ByteCount.text(segment.indexBytes)])
        }
        let range = stats.firstPosition.map { "\($0)...\(stats.lastPosition!)" } ?? "empty"
        var summary = TextTable.render(rows) + "\n"
            + "segments \(stats.segments.count), records \(stats.records), positions \(range), "
            + "log \(ByteCount.text(stats.bytes)), indexes \(ByteCount.text(stats.indexBytes))"
        summary += "\nraw segments \(ByteCount.text(stats.rawBytes)); sealed segments \(ByteCount.text(stats.sealedBytes))"
        if let ratio = stats.sealedRatio {
            summary += " holding \(ByteCount.text(stats.sealedRecordBytes)) of records (\(SealCommand.format(ratio))x smaller)"
        }
        return summary
    }

    static func json(_ stats: LogStats) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("directory", stats.directory)
        writer.field("segments", UInt64(stats.segments.count))
        writer.field("records", stats.records)
        writer.field("bytes", stats.bytes)
        writer.field("indexBytes", stats.indexBytes)
        writer.field("rawSegmentBytes", stats.rawBytes)
        writer.field("sealedSegmentBytes", stats.sealedBytes)
        writer.field("sealedRecordBytes", stats.sealedRecordBytes)
        writer.field("sealedRatio", rawJSON: Array((stats.sealedRatio.map { SealCommand.format($0) } ?? "null").utf8))
        writer.field("firstPosition", rawJSON: Array((stats.firstPosition.map { String($0.rawValue) } ?? "null").utf8))
        writer.field("lastPosition", rawJSON: Array((stats.lastPosition.map { String($0.rawValue) } ?? "null").utf8))
        var list: [UInt8] = [UInt8(ascii: "[")]
        for (number, segment) in stats.segments.enumerated() {
            var item = JSONWriter()
            item.beginObject()
            item.field("file", segment.file)
            item.field("state", segment.state)
            item.field("firstPosition", segment.firstPosition.rawValue)
            item.field("records", segment.records)
            item.field("bytes", segment.bytes)
            item.field("recordBytes", segment.recordBytes)
            item.field("indexBytes", segment.indexBytes)
            item.endObject()
            if number > 0 { list.append(UInt8(ascii: ",")) }
            list += item.bytes
        }
        list.append(UInt8(ascii: "]"))
        writer.field("segmentList", rawJSON: list)
        writer.endObject()
        return writer.finishLine()
    }
}
