import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

/// In a read-only store, the one thread that watches the writer's published watermark while
/// subscriptions wait at the head, and wakes them through the store's `CommitSignal` when it
/// moves: the same wake-up a writer's own subscribers get from its commits.
///
/// One plain thread polling with `nanosleep` replaces a `Task.sleep` per waiting subscription.
/// A sleep through Swift's timers cost about 85 µs of CPU per poll (a timerfd, an epoll wake-up
/// and two thread hops, measured with strace and getrusage), so four idle followers used a
/// third of a core; a poll here is a nanosleep and a pread of `HEAD`.
///
/// Invariant: while any subscription waits, a poller runs. A waiter registers first and then
/// calls `ensureRunning`; the poller stops only after clearing `running` and then finding no
/// waiter. So either the poller sees the new waiter, or the waiter sees `running` cleared and
/// starts another.
final class WatermarkPoller: @unchecked Sendable {
    /// Polls without a waiter before the thread ends (then a new wait starts a new one).
    static let idlePollsBeforeStopping = 100

    private let mutex = PosixMutex()
    // Guarded by `mutex`.
    private var running = false
    private var failure: EventStoreError?

    private let intervalNanoseconds: UInt64

    init(intervalNanoseconds: UInt64) {
        self.intervalNanoseconds = intervalNanoseconds
    }

    /// Starts the thread for `engine` unless it runs. Called by a waiter after it registered.
    /// The thread holds the engine until it ends: at most one interval after the store closes.
    func ensureRunning(for engine: StoreEngine) {
        let start: Bool = mutex.withLock {
            guard !running else { return false }
            running = true
            failure = nil
            return true
        }
        if start { DetachedThread.start { [self] in run(engine) } }
    }

    /// What the last poll failed with, if the poller stopped on a failure since it last started.
    var lastFailure: EventStoreError? { mutex.withLock { failure } }

    private func run(_ engine: StoreEngine) {
        var idlePolls = 0
        while true {
            if engine.signal.isClosed { return stop() }
            do throws(EventStoreError) { try engine.follow(indexing: false) } catch {
                mutex.withLock { failure = error; running = false }
                engine.signal.wakeAll()
                return
            }
            if engine.signal.hasWaiters {
                idlePolls = 0
            } else {
                idlePolls += 1
                if idlePolls >= Self.idlePollsBeforeStopping {
                    mutex.withLock { running = false }
                    // A waiter that registered before this check is served by this thread; one
                    // after it saw `running` cleared and started another.
                    guard engine.signal.hasWaiters, mutex.withLock({ () -> Bool in
                        guard !running else { return false }
                        running = true
                        return true
                    }) else { return }
                    idlePolls = 0
                }
            }
            var pause = timespec(tv_sec: Int(intervalNanoseconds / 1_000_000_000), tv_nsec: Int(intervalNanoseconds % 1_000_000_000))
            var left = timespec()
            while nanosleep(&pause, &left) == -1 && errno == EINTR { pause = left }
        }
    }

    private func stop() {
        mutex.withLock { running = false }
    }
}
