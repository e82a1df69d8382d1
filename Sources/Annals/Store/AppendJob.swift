import AnnalsLog

/// One append or deletion on its way through the log's commit thread: what the caller asked,
/// what the commit thread decided, and the caller's continuation, resumed exactly once.
final class AppendJob: @unchecked Sendable {
    // `kind`, `ids`, `condition` and `continuation` are immutable. `entries` and `isReplay` are set
    // by the commit thread in `decide` and read by it in `finish`, both on that one thread.
    enum Kind {
        case events([StreamAppend])
        case delete(DeletionRequest)

        var isDelete: Bool {
            if case .delete = self { return true }
            return false
        }
    }

    /// What the caller learns once the job is done.
    enum Outcome: Sendable {
        /// The entries were written and acknowledged under the durability policy.
        case written(entries: [LogEntry], batch: AppendedBatch)
        /// Every id was stored already: nothing was written.
        case replay
    }

    let kind: Kind
    /// The event ids of an events job, in request order.
    let ids: [EventID]
    /// The append condition the job must pass (DCB), checked on the commit thread.
    let condition: AppendCondition?
    private let continuation: UnsafeContinuation<Result<Outcome, EventStoreError>, Never>
    var entries: [LogEntry] = []
    var isReplay = false
    /// True once `decide` noted the job in `TentativeHeads`. A job the log refused before
    /// deciding it (closed) is finished on the caller's thread and must not touch them.
    var isTentative = false

    init(kind: Kind, ids: [EventID], condition: AppendCondition?, continuation: UnsafeContinuation<Result<Outcome, EventStoreError>, Never>) {
        self.kind = kind
        self.ids = ids
        self.condition = condition
        self.continuation = continuation
    }

    func resume(_ result: Result<Outcome, EventStoreError>) {
        continuation.resume(returning: result)
    }
}
