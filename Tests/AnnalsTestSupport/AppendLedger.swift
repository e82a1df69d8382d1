public import AnnalsLog
import Synchronization

/// What a reliability test asked the log to store and what the log acknowledged, so that after
/// a crash and reopen the store can be checked against it. Every batch carries a unique tag in
/// its event ids (`high` = tag, `low` = index in the batch), so any record read back names the
/// batch it came from. Thread-safe: appender threads record into one ledger.
public final class AppendLedger: Sendable {
    struct State: Sendable {
        var nextTag: UInt64 = 1
        /// Every batch ever attempted, by tag.
        var attempted: [UInt64: [LogEntry]] = [:]
        /// Batches known durable: acknowledged under `.always`, or found whole after a reopen.
        var acknowledged: [UInt64: ClosedRange<LogPosition>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// A new batch of `count` entries with random stream, type, metadata and payload sizes.
    public func makeBatch(count: Int, using random: inout SeededRandom) -> [LogEntry] {
        let tag = state.withLock { state -> UInt64 in
            defer { state.nextTag += 1 }
            return state.nextTag
        }
        let entries = (0..<count).map { index in
            LogEntry(
                stream: "s-\(Int.random(in: 0..<8, using: &random))", eventType: "T\(index % 3)",
                streamVersion: UInt64(index), eventID: EventID(high: tag, low: UInt64(index)),
                metadata: random.bytes(Int.random(in: 0...16, using: &random)),
                payload: random.bytes(Int.random(in: 0...300, using: &random)))
        }
        state.withLock { $0.attempted[tag] = entries }
        return entries
    }

    public func acknowledge(_ entries: [LogEntry], at range: ClosedRange<LogPosition>) {
        precondition(range.upperBound.rawValue - range.lowerBound.rawValue + 1 == UInt64(entries.count), "an acknowledged range must match its batch")
        state.withLock { $0.acknowledged[entries[0].eventID.high] = range }
    }

    public var acknowledgedCount: Int { state.withLock { $0.acknowledged.count } }

    /// Acknowledged batches, by their positions.
    public var acknowledgedRanges: [ClosedRange<LogPosition>] {
        state.withLock { Array($0.acknowledged.values) }.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Checks a reopened log and returns every violation found (empty when all is well):
    /// positions gapless from 1; every record byte-for-byte one of an attempted batch, with
    /// whole batches only (all or nothing) and the batch-end flag on its last record only;
    /// every acknowledged batch whose range `mustSurvive` accepts present at its positions.
    /// On success the batches found become the new acknowledged set: they are on disk now.
    public func check(_ records: [LogRecord], mustSurvive: (ClosedRange<LogPosition>) -> Bool = { _ in true }) -> [String] {
        state.withLock { state -> [String] in
            var problems: [String] = []
            var found: [UInt64: ClosedRange<LogPosition>] = [:]
            var index = 0
            while index < records.count, problems.count < 10 {
                let record = records[index]
                guard record.position.rawValue == UInt64(index) + 1 else {
                    problems.append("position gap: record \(index) has position \(record.position)")
                    break
                }
                let tag = record.eventID.high
                guard let entries = state.attempted[tag], record.eventID.low == 0, found[tag] == nil else {
                    problems.append("position \(record.position): not the start of an attempted batch (id \(record.eventID))")
                    break
                }
                if let problem = Self.match(entries, records, from: index) {
                    problems.append(problem)
                    break
                }
                found[tag] = record.position...record.position.advanced(by: UInt64(entries.count - 1))
                index += entries.count
            }
            for (tag, range) in state.acknowledged where mustSurvive(range) && found[tag] != range {
                problems.append("acknowledged batch \(tag) at \(range) is \(found[tag].map { "at \($0)" } ?? "missing")")
                if problems.count >= 10 { break }
            }
            if problems.isEmpty { state.acknowledged = found }
            return problems
        }
    }

    /// nil when `records[from...]` starts with exactly `entries`, as one batch.
    static func match(_ entries: [LogEntry], _ records: [LogRecord], from start: Int) -> String? {
        guard start + entries.count <= records.count else {
            return "batch \(entries[0].eventID.high) is torn: \(records.count - start) of \(entries.count) records visible"
        }
        for (offset, entry) in entries.enumerated() {
            let record = records[start + offset]
            let last = offset == entries.count - 1
            guard record.stream == entry.stream, record.eventType == entry.eventType,
                  record.streamVersion == entry.streamVersion, record.eventID == entry.eventID,
                  record.metadata == entry.metadata, record.payload == entry.payload,
                  record.endsBatch == last, record.userFlags == entry.flags
            else { return "position \(record.position): record differs from entry \(offset) of batch \(entry.eventID.high)" }
        }
        return nil
    }
}
