import Annals
import AnnalsLog
import Dispatch

/// The publishes of one replication session that await their acknowledgement, in log order.
///
/// Exactness: the publish of the k-th event after the session's start expects the JetStream
/// stream's last sequence to be `start + k - 1`. JetStream stores a message only when its
/// expectation holds, so a message is stored only if every earlier one of the window was
/// stored right before it: the stream can never hold a gap, a reordering or a duplicate. One
/// refused or lost publish makes every later one of the window fail too; the window then
/// records the first failure, and the replicator re-reads the stream's last message and
/// starts a new session after it.
final class PublishWindow: Sendable {
    struct Pending: Sendable {
        var position: LogPosition
        var sequence: UInt64
        var timestampNanoseconds: Int64
        var sentUptimeNanoseconds: UInt64
    }

    struct State: Sendable {
        var pending: [Pending] = []
        var head = 0
        /// The sequence the next publish will be stored at.
        var nextSequence: UInt64
        var failure: ReplicationError?
        var count: Int { pending.count - head }
        var oldest: Pending? { head < pending.count ? pending[head] : nil }
    }

    let capacity: Int
    let state: WatchedState<State>
    private let progress: ReplicationProgress
    private let onAcknowledged: (@Sendable (AcknowledgedEvent) -> Void)?

    init(lastSequence: UInt64, capacity: Int, progress: ReplicationProgress, onAcknowledged: (@Sendable (AcknowledgedEvent) -> Void)?) {
        precondition(capacity >= 1, "a window holds at least one publish")
        self.capacity = capacity
        self.state = WatchedState(State(nextSequence: lastSequence + 1))
        self.progress = progress
        self.onAcknowledged = onAcknowledged
    }

    /// Records a publish about to be sent for `change` and returns the last sequence it must expect.
    func record(_ change: StoreChange) -> UInt64 {
        state.update { state -> UInt64 in
            precondition(state.count < capacity, "reserve() before record()")
            let sequence = state.nextSequence
            state.nextSequence += 1
            if state.head > 4096 && state.head * 2 > state.pending.count {
                state.pending.removeFirst(state.head)
                state.head = 0
            }
            state.pending.append(Pending(position: change.position, sequence: sequence,
                                         timestampNanoseconds: change.timestampNanoseconds,
                                         sentUptimeNanoseconds: DispatchTime.now().uptimeNanoseconds))
            return sequence - 1
        }
    }

    /// Applies one publish result. Results come in publish order; anything else is a failure.
    func handle(_ result: PublishResult) {
        let acknowledged: Pending? = state.update { state -> Pending? in
            guard state.failure == nil else { return nil }
            guard let oldest = state.oldest, result.position == oldest.position else {
                // Not the publish this window waits for first: a late result of an earlier
                // session (ignored), or a lost one (the oldest then times out).
                return nil
            }
            switch result.outcome {
            case .stored(let sequence, _) where sequence == oldest.sequence:
                // Progress first, under this lock: a drain that sees the window empty must
                // also see the acknowledged position (a summary read right after it).
                progress.acknowledge(position: oldest.position, sequence: oldest.sequence, published: true)
                state.head += 1
                return oldest
            case .stored(let sequence, let duplicate):
                state.failure = .nats(operation: "publishing position \(oldest.position)",
                                      status: "stored at sequence \(sequence)\(duplicate ? " (duplicate)" : ""), expected \(oldest.sequence)",
                                      errorCode: 0)
            case .failed(let status, let code):
                state.failure = .nats(operation: "publishing position \(oldest.position)", status: status, errorCode: code)
            }
            return nil
        }
        if let acknowledged {
            onAcknowledged?(AcknowledgedEvent(position: acknowledged.position.rawValue, sequence: acknowledged.sequence,
                                              timestampNanoseconds: acknowledged.timestampNanoseconds))
        }
    }

    /// Records `error` as the session's failure unless one is recorded already.
    func fail(_ error: ReplicationError) {
        state.update { state in if state.failure == nil { state.failure = error } }
    }

    var failure: ReplicationError? { state.read { $0.failure } }

    /// Waits for room for one more publish. Throws the session's failure, or `.timeout` when
    /// the oldest publish waited longer than `ackTimeoutNanoseconds`.
    ///
    /// A full window is let drain to half before publishing resumes, so the publisher wakes
    /// once per half window rather than once per acknowledgement (a task switch each).
    func reserve(ackTimeoutNanoseconds: UInt64) async throws(ReplicationError) {
        let capacity = self.capacity
        if let failure { throw failure }
        if state.read({ $0.count < capacity }) { return }
        let resume = capacity / 2
        try await wait(ackTimeoutNanoseconds: ackTimeoutNanoseconds) { $0.count <= resume }
    }

    /// Waits until every publish is acknowledged, with the same failures as `reserve`.
    func drain(ackTimeoutNanoseconds: UInt64) async throws(ReplicationError) {
        try await wait(ackTimeoutNanoseconds: ackTimeoutNanoseconds) { $0.count == 0 }
    }

    /// Waits until the session fails, and returns the failure (nil when cancelled).
    func failed() async -> ReplicationError? {
        while !Task.isCancelled {
            if await state.wait(timeoutNanoseconds: 1_000_000_000, until: { $0.failure != nil }) { return failure }
        }
        return nil
    }

    private func wait(ackTimeoutNanoseconds: UInt64, until ready: @escaping @Sendable (State) -> Bool) async throws(ReplicationError) {
        while true {
            let done = await state.wait(timeoutNanoseconds: 200_000_000) { ready($0) || $0.failure != nil }
            if let failure { throw failure }
            if done { return }
            if Task.isCancelled { throw .stopped }
            let now = DispatchTime.now().uptimeNanoseconds
            if let oldest = state.read({ $0.oldest }), now - oldest.sentUptimeNanoseconds > ackTimeoutNanoseconds {
                let waited = Int64((now - oldest.sentUptimeNanoseconds) / 1_000_000)
                let error = ReplicationError.timeout(.init("no acknowledgement from the cluster",
                                                           position: oldest.position, waitedMilliseconds: waited))
                fail(error)
                throw error
            }
        }
    }
}
