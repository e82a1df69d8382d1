import AnnalsLog
import Dispatch

/// How far the cluster has acknowledged a store, across sessions and reconnects: the
/// acknowledged position only grows. Appenders under the synchronous policy wait on it.
final class ReplicationProgress: Sendable {
    struct State: Sendable {
        /// Every event and deletion at or before this position is stored in the JetStream stream.
        var position = LogPosition.beforeFirst
        /// The JetStream sequence of the record at `position` (0 when none).
        var sequence: UInt64 = 0
        /// The last failure, until the next acknowledgement (for error messages and status).
        var lastFailure: ReplicationError?
        /// True once the replicator has stopped for good: waits end at once.
        var stopped = false
        /// Events acknowledged by publishes of this replicator (not found already stored).
        var published: UInt64 = 0
    }

    let state = WatchedState(State())

    /// Records that JetStream holds everything up to `position` at `sequence`; `published`
    /// when this replicator's own publish put it there.
    func acknowledge(position: LogPosition, sequence: UInt64, published: Bool) {
        state.update { state in
            if published { state.published += 1 }
            if position > state.position {
                state.position = position
                state.sequence = sequence
            }
            state.lastFailure = nil
        }
    }

    func noteFailure(_ error: ReplicationError) {
        state.update { $0.lastFailure = error }
    }

    func stop(_ error: ReplicationError?) {
        state.update { state in
            state.stopped = true
            if let error { state.lastFailure = error }
        }
    }

    var current: State { state.read { $0 } }

    /// Returns once `position` is acknowledged; throws `.notAcknowledged` after `timeoutNanoseconds`
    /// (or at once when the replicator has stopped).
    func waitUntilAcknowledged(_ position: LogPosition, timeoutNanoseconds: UInt64) async throws(ReplicationError) {
        let deadline = DispatchTime.now().uptimeNanoseconds &+ timeoutNanoseconds
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let left = deadline > now ? deadline - now : 0
            let done = await state.wait(timeoutNanoseconds: left) { $0.position >= position || $0.stopped }
            let state = current
            if state.position >= position { return }
            if done || left == 0 || DispatchTime.now().uptimeNanoseconds >= deadline || Task.isCancelled {
                let reason = state.stopped ? "the replicator has stopped" : "no quorum acknowledgement within \(timeoutNanoseconds / 1_000_000) ms"
                throw .notAcknowledged(position: position, reason: state.lastFailure.map { "\(reason) (last error: \($0))" } ?? reason)
            }
        }
    }
}
