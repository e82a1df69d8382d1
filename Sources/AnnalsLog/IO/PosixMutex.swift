#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with a condition variable, heap-allocated so its address never moves.
/// The core is synchronous and lock-guarded; this is its one lock primitive, shared with the
/// stream layer (`package`), whose waits happen only on blocking-pool threads.
package final class PosixMutex: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
        precondition(pthread_cond_init(condition, nil) == 0, "pthread_cond_init failed")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    /// Waits for a broadcast; the caller holds the lock and re-checks its condition after.
    package func wait() { pthread_cond_wait(condition, mutex) }
    package func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits on a condition of its own (one waiter each, so a signal wakes exactly the thread
    /// it is meant for); the caller holds this lock and re-checks its condition after.
    func wait(on other: PosixCondition) { pthread_cond_wait(other.condition, mutex) }

    @inline(__always)
    package func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A condition variable used with a `PosixMutex`, for waking one particular waiter.
final class PosixCondition: @unchecked Sendable {
    let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        condition = .allocate(capacity: 1)
        precondition(pthread_cond_init(condition, nil) == 0, "pthread_cond_init failed")
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Wakes the waiter; the caller holds the mutex the waiter waits with.
    func signal() { pthread_cond_signal(condition) }
}
