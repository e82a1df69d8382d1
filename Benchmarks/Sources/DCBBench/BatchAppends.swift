import Annals
import AnnalsLog
import Foundation
import GRDB

/// Measurement 4: one writer appending batches of 512 durable events, each conditional on four
/// tags of the batch (`course:` and `student:` tags of its first two events, any of them)
/// appearing nowhere after the writer's last append: a query that matches nothing new, so every
/// batch commits. SQLite does the same in one transaction per batch: the check
/// (`SELECT 1 FROM event_tags WHERE tag IN (...) AND position > ? LIMIT 1`), then 512 inserts
/// into `events` and 1,024 into `event_tags`, then the commit.
///
/// The batches continue the synthetic events after the store's own (event `events + k`), so
/// both engines append the same events; every run appends events no run appended before.
struct BatchAppends {
    static let batch = 512

    let store: EventStore
    let sqlite: DatabaseQueue
    let settings: Settings

    enum Side { case annalsConditional, annalsPlain, sqlite }

    /// Three runs of each side, interleaved so each gets the same share of the disk's drift.
    func run() async throws -> [ReportRow] {
        let order: [Side] = [.annalsConditional, .sqlite, .annalsPlain, .annalsPlain, .sqlite, .annalsConditional, .sqlite, .annalsConditional, .annalsPlain]
        var rates: [Side: [Double]] = [:]
        var runsOf: [Side: Int] = [:]
        for side in order {
            let run = runsOf[side, default: 0]
            runsOf[side] = run + 1
            // Each side numbers its runs from 0; the two Annals sides share one store, so
            // unconditional runs take the event numbers after the conditional ones.
            let first = settings.events + (side == .annalsPlain ? 3 + run : run) * settings.batches * Self.batch
            let batches = (0..<settings.batches).map { b in
                (first + b * Self.batch..<first + (b + 1) * Self.batch).map(SyntheticEvents.event)
            }
            let rate = side == .sqlite ? try sqliteRun(batches) : try await annalsRun(batches, conditional: side == .annalsConditional)
            rates[side, default: []].append(rate)
        }
        let median = { (side: Side) in rates[side]!.sorted()[1] }
        let what = "Conditional appends, 1 writer, batch \(Self.batch), durable (median of 3 runs of \(settings.batches) batches)"
        return [
            ReportRow(measurement: what, annals: Format.rate(median(.annalsConditional)),
                      peer: "SQLite: check + inserts, one transaction per batch", peerFigure: Format.rate(median(.sqlite)),
                      ratio: median(.annalsConditional) / median(.sqlite), target: "≥ 3×", met: median(.annalsConditional) / median(.sqlite) >= 3),
            ReportRow(measurement: what, annals: Format.rate(median(.annalsConditional)),
                      peer: "Annals, the same batches without a condition", peerFigure: Format.rate(median(.annalsPlain)),
                      ratio: median(.annalsConditional) / median(.annalsPlain), target: "—", met: nil),
            ReportRow(measurement: "The same, reference", annals: Format.rate(median(.annalsConditional)),
                      peer: "tephra, published (their hardware, their published figure, not measured here)",
                      peerFigure: Format.rate(985_000), ratio: nil, target: "—", met: nil),
        ]
    }

    /// The four tags a batch's condition names: those of its first two events.
    private static func conditionTags(_ events: [SyntheticEvents.Event]) -> [String] { events[0].tags + events[1].tags }

    private func annalsRun(_ batches: [[SyntheticEvents.Event]], conditional: Bool) async throws -> Double {
        let prepared = batches.map { events in
            var appends: [StreamAppend] = []
            for event in events {
                let data = EventData(type: event.type, data: event.payload, tags: event.tags)
                if appends.last?.stream.rawValue == event.stream {
                    appends[appends.count - 1].events.append(data)
                } else {
                    appends.append(StreamAppend(stream: StreamName(event.stream), events: [data]))
                }
            }
            return (appends, EventQuery(Self.conditionTags(events).map { EventQuery.Item(tags: [$0]) }))
        }
        var after = store.lastPosition
        let start = Timing.nanoseconds()
        for (appends, query) in prepared {
            let result = conditional
                ? try await store.append(appends, condition: AppendCondition(failIfEventsMatch: query, after: after))
                : try await store.append(appends)
            after = result.positions.upperBound
        }
        return Double(batches.count * Self.batch) / (Double(Timing.nanoseconds() - start) / 1e9)
    }

    private static let check = "SELECT 1 FROM event_tags WHERE tag IN (?, ?, ?, ?) AND position > ? LIMIT 1"

    private func sqliteRun(_ batches: [[SyntheticEvents.Event]]) throws -> Double {
        var after = try sqlite.read { db in try Int64.fetchOne(db, sql: "SELECT max(position) FROM events") ?? 0 }
        let start = Timing.nanoseconds()
        for events in batches {
            after = try sqlite.write { db in
                let check = try db.cachedStatement(sql: Self.check)
                let tags = Self.conditionTags(events)
                if try Int.fetchOne(check, arguments: [tags[0], tags[1], tags[2], tags[3], after]) != nil {
                    throw BenchFailure("SQLite's condition failed after position \(after)")
                }
                let insert = try db.cachedStatement(sql: SQLiteFixture.insertEvent)
                let tag = try db.cachedStatement(sql: SQLiteFixture.insertTag)
                var last = after
                for event in events { last = try SQLiteFixture.insertRow(event, position: nil, db, insert: insert, tag: tag) }
                return last
            }
        }
        return Double(batches.count * Self.batch) / (Double(Timing.nanoseconds() - start) / 1e9)
    }
}
