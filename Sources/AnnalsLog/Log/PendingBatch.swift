/// One caller's request in the group-commit queue: a batch to append, or a request to sync.
/// The leader fills in `result`; each waiter sleeps on its own condition, so finishing a group
/// wakes exactly the threads whose batches it committed, plus the next leader.
final class PendingBatch: @unchecked Sendable {
    // `entries` and `isSyncRequest` are immutable; `result` is read and written only under the
    // log's commit mutex.
    let entries: [LogEntry]
    let paddedBytes: Int
    /// A `sync()` call rather than an append: it has no entries, and asks the group to fsync.
    let isSyncRequest: Bool
    /// The positions given (nil for a sync request), or why it failed.
    var result: Result<ClosedRange<LogPosition>?, LogError>?
    let wakeup = PosixCondition()

    init(entries: [LogEntry], paddedBytes: Int) {
        self.entries = entries
        self.paddedBytes = paddedBytes
        self.isSyncRequest = false
    }

    init(syncRequest: Void) {
        self.entries = []
        self.paddedBytes = 0
        self.isSyncRequest = true
    }
}
