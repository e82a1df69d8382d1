/// Where an appended batch went: its positions (consecutive) and the timestamp the log gave
/// each record (the later of the entry's own and the previous record's, so never decreasing).
public struct AppendedBatch: Sendable, Equatable {
    /// The batch's positions, consecutive, one per record.
    public var positions: ClosedRange<LogPosition>
    /// One per record, in position order.
    public var timestamps: [Int64]

    /// A batch at `positions`, with one timestamp per position.
    public init(positions: ClosedRange<LogPosition>, timestamps: [Int64]) {
        precondition(UInt64(timestamps.count) == positions.upperBound.rawValue - positions.lowerBound.rawValue + 1,
                     "one timestamp per position")
        self.positions = positions
        self.timestamps = timestamps
    }

    /// How many records the batch holds.
    public var count: Int { timestamps.count }
}

/// One request handed to the commit thread. The commit thread runs `work` in queue order and
/// calls `finish` exactly once, on the commit thread, after the group holding the request was
/// published (or failed): before it decides anything for a later request.
package final class CommitRequest: @unchecked Sendable {
    // Immutable after init; only the commit thread calls the closures.
    package enum Work {
        /// Append these entries (already validated by `Log.validate`).
        case append([LogEntry], paddedBytes: Int)
        /// Decide on the commit thread, in commit order, what to append, given the position the
        /// first entry will get (positions are consecutive across segments, so a roll does not
        /// change it). Returning entries
        /// appends them; returning `[]` writes nothing but still waits for the group (so the
        /// request learns whether what it relied on became durable); returning nil means the
        /// decider refused and has answered its caller itself: `finish` is not called.
        /// Entries must be valid (`Log.validate`): a batch refused after a decision fails the
        /// rest of its group, since later decisions may rest on it.
        case decide((LogPosition) -> [LogEntry]?)
        /// Make everything acknowledged so far durable.
        case sync
    }

    let work: Work
    let finish: (Result<AppendedBatch?, LogError>) -> Void

    var isSync: Bool {
        if case .sync = work { return true }
        return false
    }

    package init(_ work: Work, finish: @escaping (Result<AppendedBatch?, LogError>) -> Void) {
        self.work = work
        self.finish = finish
    }
}
