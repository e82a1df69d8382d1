import Annals
import AnnalsLog
import Foundation
import GRDB

/// Builds both stores (untimed), runs the four measurements in order (reads first, on the
/// store as built; then the appends, which grow it) and writes the report section.
struct DCBSuite {
    let settings: Settings
    let scratch = NSTemporaryDirectory() + "annals-dcb-\(getpid())"

    func run() async throws -> String {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var start = Timing.nanoseconds()
        let store = try await AnnalsFixture.build(scratch + "/annals", events: settings.events)
        let annalsBuild = Double(Timing.nanoseconds() - start) / 1e9
        start = Timing.nanoseconds()
        let sqlite = try SQLiteFixture.build(scratch + "/events.sqlite", events: settings.events)
        let sqliteBuild = Double(Timing.nanoseconds() - start) / 1e9
        progress("built the stores: Annals \(Format.seconds(annalsBuild)), SQLite \(Format.seconds(sqliteBuild))")
        let reads = try await ReadMeasurements(store: store, sqlite: sqlite, settings: settings).run()
        var rows = reads.rows
        progress("reads measured")
        rows += try await ConcurrentWriters(store: store, settings: settings).run()
        progress("64 writers measured")
        rows += try await BatchAppends(store: store, sqlite: sqlite, settings: settings).run()
        try await store.close()
        try sqlite.close()
        return report(rows, plans: reads.plans)
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data("DCBBench: \(text)\n".utf8))
    }

    private func report(_ rows: [ReportRow], plans: [String]) -> String {
        """
        ## Tag queries, category and type reads, conditional appends (issue 16)

        `\(settings.command)`. A synthetic store of \(settings.events.formatted()) events (`DCBBench/SyntheticEvents.swift`):
        100 event types, streams of ten events in 100 categories (`cat37-<n>`), and two tags per event,
        `course:c{i % 100}` (one selects 1%) and `student:s{i % 50000}`; payloads of about 110 to 300 bytes.
        Annals is built in atomic batches of 1,000 and SQLite (through GRDB) holds the same events in
        `events(position INTEGER PRIMARY KEY, stream, version, type, id, created_at, data, metadata, tags, UNIQUE(stream, version))`
        and `event_tags(tag, position)` with an index on `(tag, position)`, after `ANALYZE`; neither build is timed.
        Both are durable: Annals `.always`, SQLite WAL with `synchronous=FULL` (read back).
        Every read materializes its events (SQLite's rows decoded into the same values as `RecordedEvent`),
        with a warm cache: one untimed run, then the median of \(settings.repeats) timed runs (\(settings.scanRepeats) for scans).
        The three ways of reading are checked to return the same events. Annals is measured through
        `EventStore` from a detached task; the reads run before the appends, on the store as built.

        \(ReportRow.header)
        \(rows.map(\.markdown).joined(separator: "\n"))

        SQLite's plans (`EXPLAIN QUERY PLAN`), in the order above:
        \(plans.map { "- " + $0 }.joined(separator: "\n"))

        Appends: 64 writers each append one event at a time to a stream of their own, with a tag
        of its own (`slot:<run>-<writer>-<n>`) and, when conditional, `AppendCondition(failIfEventsMatch:
        EventQuery(tags: [slot]), after: <the writer's last position>)`, which holds; no read before
        an append; runs of \(Format.seconds(settings.seconds)) interleaved with the unconditional ones. The
        batch-512 writer appends 512 of the synthetic events after the store's (about 52 streams
        per batch) on the condition that none of four tags of the batch appears after its last
        append; SQLite checks the same in the same transaction as its inserts
        (`SELECT 1 FROM event_tags WHERE tag IN (?, ?, ?, ?) AND position > ? LIMIT 1`, then 512
        rows into `events` and 1,024 into `event_tags`). tephra's figures are their published
        ones, on their hardware, and were not measured here.

        """
    }
}
