import AnnalsLog

/// The last version of every stream, found by scanning the log once at open. Versions start at
/// 0 for a stream's first event. (The stream layer replaces this scan with its persisted index.)
struct StreamVersions {
    private var last: [String: UInt64] = [:]

    init(scanning log: Log) throws {
        var last: [String: UInt64] = [:]
        try log.forEachRecord(from: .first) { view in
            last[view.stream] = view.streamVersion
            return true
        }
        self.last = last
    }

    /// The version the next event of `stream` gets, counting events already assigned.
    mutating func assignNext(_ stream: String) -> UInt64 {
        let next = last[stream].map { $0 + 1 } ?? 0
        last[stream] = next
        return next
    }

    /// Forgets assignments made after `snapshot` (their batch was not written).
    mutating func restore(_ snapshot: StreamVersions) { self = snapshot }
}
