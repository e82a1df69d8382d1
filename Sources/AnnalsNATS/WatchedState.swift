import AnnalsLog
import Dispatch

/// A value guarded by a lock, that tasks can wait on until a predicate over it holds.
///
/// Invariant: a registered waiter's predicate was false when it registered; every `update`
/// re-checks the waiters under the same lock, so a change between a waiter's check and its
/// registration is never missed. Each continuation is resumed exactly once: whoever removes
/// the waiter from the list (an update, the timeout, or cancellation) resumes it.
final class WatchedState<State: Sendable>: @unchecked Sendable {
    private struct Waiter {
        var id: UInt64
        var predicate: @Sendable (State) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    private let lock = PosixMutex()
    private var state: State
    private var waiters: [Waiter] = []
    private var nextID: UInt64 = 0

    init(_ state: State) { self.state = state }

    /// Reads the state.
    func read<Result>(_ body: (State) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(state)
    }

    /// Changes the state and wakes the waiters whose predicate now holds.
    @discardableResult
    func update<Result>(_ body: (inout State) -> Result) -> Result {
        lock.lock()
        let result = body(&state)
        var ready: [Waiter] = []
        waiters.removeAll { waiter in
            guard waiter.predicate(state) else { return false }
            ready.append(waiter)
            return true
        }
        lock.unlock()
        for waiter in ready { waiter.continuation.resume(returning: true) }
        return result
    }

    /// Waits until `predicate` holds (true), `timeoutNanoseconds` pass, or the task is
    /// cancelled (false).
    func wait(timeoutNanoseconds: UInt64, until predicate: @escaping @Sendable (State) -> Bool) async -> Bool {
        lock.lock()
        if predicate(state) {
            lock.unlock()
            return true
        }
        nextID += 1
        let id = nextID
        lock.unlock()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                lock.lock()
                if predicate(state) {
                    lock.unlock()
                    continuation.resume(returning: true)
                    return
                }
                if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(returning: false)
                    return
                }
                waiters.append(Waiter(id: id, predicate: predicate, continuation: continuation))
                lock.unlock()
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(min(timeoutNanoseconds, UInt64(Int.max))))) {
                    self.abandon(id)
                }
            }
        } onCancel: {
            abandon(id)
        }
    }

    /// Resumes waiter `id` with false if it is still waiting.
    private func abandon(_ id: UInt64) {
        lock.lock()
        let index = waiters.firstIndex { $0.id == id }
        let waiter = index.map { waiters.remove(at: $0) }
        lock.unlock()
        waiter?.continuation.resume(returning: false)
    }
}
