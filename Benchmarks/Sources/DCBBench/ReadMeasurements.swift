import Annals
import AnnalsLog
import Foundation
import GRDB

/// Measurements 1 and 2: tag queries through the query index beside a scan of the log and
/// beside SQLite's indexed tag table; category and type reads beside the scan they replace.
/// Every read materializes its events; warm cache (one untimed run first), median of repeats.
struct ReadMeasurements {
    let store: EventStore
    let sqlite: DatabaseQueue
    let settings: Settings

    /// A query, the events it selects in the synthetic store, and SQLite's equivalent.
    struct TagQuery {
        var label: String
        var query: EventQuery
        var selects: (Int) -> Bool
        var sql: String
        var arguments: StatementArguments
    }

    /// The rows, and SQLite's plan for each tag query (printed under the table).
    func run() async throws -> (rows: [ReportRow], plans: [String]) {
        let queries = [
            TagQuery(label: "1 tag (`course:c7`, 1%)", query: EventQuery(tags: ["course:c7"]), selects: { $0 % 100 == 7 },
                     sql: SQLiteReads.byTag, arguments: ["course:c7"]),
            TagQuery(label: "2 tags (`course:c7` and `student:s7`)", query: EventQuery(tags: ["course:c7", "student:s7"]),
                     selects: { $0 % 100 == 7 && $0 % 50_000 == 7 }, sql: SQLiteReads.byTwoTags, arguments: ["student:s7", "course:c7"]),
            TagQuery(label: "type + tag (`Type3`, `course:c7`)", query: EventQuery(types: ["Type3"], tags: ["course:c7"]),
                     selects: { $0 % 100 == 7 && SyntheticEvents.mix(UInt64($0)) % 100 == 3 },
                     sql: SQLiteReads.byTypeAndTag, arguments: ["course:c7", "Type3"]),
        ]
        var rows: [ReportRow] = []
        var plans: [String] = []
        for tagQuery in queries {
            rows += try await measure(tagQuery)
            plans.append("\(tagQuery.label): `\(try SQLiteReads.plan(sqlite, tagQuery.sql, tagQuery.arguments))`")
        }
        rows.append(try await measureFilter(
            "Category read (`cat37`, 1%): `read(category:)` vs `events(filter: .category)`", filter: .category("cat37"),
            selects: { ($0 / SyntheticEvents.eventsPerStream) % 100 == 37 }) { try await store.read(category: "cat37").count })
        rows.append(try await measureFilter(
            "Type read (`Type37`, 1%): `read(eventType:)` vs `events(filter: .eventType)`", filter: .eventType("Type37"),
            selects: { SyntheticEvents.mix(UInt64($0)) % 100 == 37 }) { try await store.read(eventType: "Type37").count })
        return (rows, plans)
    }

    private func expectedCount(_ selects: (Int) -> Bool) -> Int { (0..<settings.events).count(where: selects) }

    private func measure(_ tagQuery: TagQuery) async throws -> [ReportRow] {
        let expected = expectedCount(tagQuery.selects)
        try await checkSameEvents(tagQuery, expected: expected)
        let index = try await Timing.repeated("read(query)", repeats: settings.repeats, expected: expected) {
            try await store.read(tagQuery.query).count
        }
        let scan = try await Timing.repeated("scan", repeats: settings.scanRepeats, expected: expected) {
            try await scanCount(.query(tagQuery.query))
        }
        let sql = try await Timing.repeated("SQLite", repeats: settings.repeats, expected: expected) {
            try SQLiteReads.fetch(sqlite, tagQuery.sql, tagQuery.arguments).count
        }
        let isTarget = tagQuery.query.items.count == 1 && tagQuery.query.items[0].types.isEmpty && tagQuery.query.items[0].tags.count == 1
        let what = "Tag query, \(tagQuery.label), \(Format.events(expected)): `read(query)`"
        return [
            ReportRow(measurement: what, annals: Format.duration(index.median), peer: "scan: `events(filter: .query)`",
                      peerFigure: Format.duration(scan.median), ratio: scan.median / index.median,
                      target: isTarget ? "≥ 50×" : "—", met: isTarget ? scan.median / index.median >= 50 : nil),
            ReportRow(measurement: what, annals: Format.duration(index.median), peer: "SQLite: `event_tags` join `events`",
                      peerFigure: Format.duration(sql.median), ratio: sql.median / index.median,
                      target: isTarget ? "≥ 3×" : "—", met: isTarget ? sql.median / index.median >= 3 : nil),
        ]
    }

    private func measureFilter(
        _ what: String, filter: EventFilter, selects: (Int) -> Bool, indexed: () async throws -> Int
    ) async throws -> ReportRow {
        let expected = expectedCount(selects)
        let index = try await Timing.repeated(what, repeats: settings.repeats, expected: expected, indexed)
        let scan = try await Timing.repeated("scan", repeats: settings.scanRepeats, expected: expected) { try await scanCount(filter) }
        return ReportRow(measurement: "\(what), \(Format.events(expected))", annals: Format.duration(index.median),
                         peer: "today's scan", peerFigure: Format.duration(scan.median), ratio: scan.median / index.median,
                         target: "≥ 10×", met: scan.median / index.median >= 10)
    }

    /// Iterates the log scan with `filter` (it reads every record); returns the events it yielded.
    private func scanCount(_ filter: EventFilter) async throws -> Int {
        var count = 0
        for try await _ in store.events(fromPosition: .first, filter: filter) { count += 1 }
        return count
    }

    /// The index read, the scan and SQLite return the same positions and bytes.
    private func checkSameEvents(_ tagQuery: TagQuery, expected: Int) async throws {
        let indexed = try await store.read(tagQuery.query)
        var scanned: [RecordedEvent] = []
        for try await event in store.events(fromPosition: .first, filter: .query(tagQuery.query)) { scanned.append(event) }
        let rows = try SQLiteReads.fetch(sqlite, tagQuery.sql, tagQuery.arguments)
        guard indexed.count == expected, indexed == scanned,
              rows.map(\.position) == indexed.map({ Int64($0.position.rawValue) }),
              rows.map(\.data) == indexed.map(\.data), rows.map(\.tags) == indexed.map(\.tags), rows.map(\.type) == indexed.map(\.type)
        else {
            throw BenchFailure("\(tagQuery.label): the index read (\(indexed.count)), the scan (\(scanned.count)) and SQLite (\(rows.count)) disagree; expected \(expected)")
        }
    }
}
