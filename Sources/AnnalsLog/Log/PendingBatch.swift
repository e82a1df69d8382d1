/// One caller's batch waiting in the group-commit queue. The leader fills in `result`.
final class PendingBatch: @unchecked Sendable {
    // `entries` is immutable; `result` is written and read only under the log's commit mutex.
    let entries: [LogEntry]
    let paddedBytes: Int
    var result: Result<ClosedRange<LogPosition>, LogError>?

    init(entries: [LogEntry], paddedBytes: Int) {
        self.entries = entries
        self.paddedBytes = paddedBytes
    }
}
