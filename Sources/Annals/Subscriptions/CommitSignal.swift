import AnnalsLog

/// Wakes subscribers that wait for the indexed watermark to pass their cursor.
///
/// A waiter registers with the position it has read up to; `notify` resumes every waiter below
/// the new watermark. Registration re-checks the watermark under the same lock `notify` takes,
/// so a commit between a subscriber's last read and its wait can never be missed. Writers only
/// resume continuations: they never wait for a subscriber.
final class CommitSignal: Sendable {
    private struct Waiter {
        var id: UInt64
        var cursor: LogPosition
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var watermark = LogPosition.beforeFirst
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        var closed = false
    }

    private let state = Locked(State())

    /// Resumes waiters whose cursor is below `watermark`.
    func notify(upTo watermark: LogPosition) {
        let ready: [Waiter] = state.withLock { state in
            state.watermark = max(state.watermark, watermark)
            let ready = state.waiters.filter { $0.cursor < state.watermark }
            state.waiters.removeAll { $0.cursor < state.watermark }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Ends every wait, now and later: a wait registered after this resumes at once.
    func close() {
        state.withLock { $0.closed = true }
        wakeAll()
    }

    /// Resumes every waiter, whatever its cursor (each re-checks why it waited).
    func wakeAll() {
        let all: [Waiter] = state.withLock { state in
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in all { waiter.continuation.resume() }
    }

    /// True while some subscription waits.
    var hasWaiters: Bool { state.withLock { !$0.waiters.isEmpty } }

    /// Returns once the watermark passes `cursor` (`current` says where it is now), the signal
    /// closes, or the task is cancelled. `afterRegistering` runs once the wait is registered
    /// (a read-only store makes sure its watermark poller runs).
    func wait(beyond cursor: LogPosition, current: @Sendable () -> LogPosition, afterRegistering: (() -> Void)? = nil) async {
        let id: UInt64 = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    state.watermark = max(state.watermark, current())
                    if state.closed || state.watermark > cursor || Task.isCancelled { return true }
                    state.waiters.append(Waiter(id: id, cursor: cursor, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() } else { afterRegistering?() }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume()
        }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
}
