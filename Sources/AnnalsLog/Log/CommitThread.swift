#if canImport(Glibc)
import Glibc
#endif

/// The one thread that commits (DESIGN: the concurrency model). Appenders hand it requests and
/// are called back; none of them blocks in the core to wait for another's fdatasync, and no
/// pool width caps how many can wait. Each pass takes every request queued since the last one
/// and commits them as one group: one pwrite and, per the durability policy, one fdatasync.
final class CommitThread: @unchecked Sendable {
    // `queue`, `stopping` and `failure` are guarded by `mutex`; `thread` is set once in `start`.
    private let mutex = PosixMutex()
    private var queue: [CommitRequest] = []
    private var stopping = false
    private var running = false
    /// True while a group is being committed, by this thread or inline by a caller.
    private var committing = false
    /// Set when an fsync (or the undo of a failed write) failed: every later request fails.
    private var failure: LogError?
    private var thread = pthread_t()
    /// Commits one group and returns the error that must poison the log, if any.
    private let commit: ([CommitRequest]) -> LogError?

    init(commit: @escaping ([CommitRequest]) -> LogError?) {
        self.commit = commit
    }

    /// Starts the thread. Called once, before the first `enqueue`.
    func start() {
        precondition(!running, "the commit thread starts once")
        running = true
        let box = Unmanaged.passRetained(self)
        let result = pthread_create(&thread, nil, { argument in
            let me = Unmanaged<CommitThread>.fromOpaque(argument!).takeRetainedValue()
            me.run()
            return nil
        }, box.toOpaque())
        precondition(result == 0, "pthread_create failed: \(result)")
    }

    /// Queues `request`, or fails it at once when the log is closed or poisoned.
    func enqueue(_ request: CommitRequest) {
        let refusal: LogError? = mutex.withLock {
            if stopping { return LogError(.closed, "the log is closed") }
            if let failure { return failure }
            queue.append(request)
            if queue.count == 1 { mutex.broadcast() }
            return nil
        }
        if let refusal { request.finish(.failure(refusal)) }
    }

    /// Commits `request` on the calling thread, as a group of one, when nothing is being
    /// committed or queued; returns false (doing nothing) otherwise. For requests that need no
    /// fdatasync, this spares the caller two thread hops while keeping commits serial.
    func commitInline(_ request: CommitRequest) -> Bool {
        let claimed: Bool = mutex.withLock {
            guard !stopping, failure == nil, !committing, queue.isEmpty else { return false }
            committing = true
            return true
        }
        guard claimed else { return false }
        let poison = commit([request])
        mutex.withLock {
            committing = false
            if let poison { record(poison) }
            // The commit thread may be waiting for this commit to end: to take what was queued
            // meanwhile, or to stop.
            if !queue.isEmpty || stopping { mutex.broadcast() }
        }
        return true
    }

    /// The error that poisoned the log, if any.
    var poison: LogError? { mutex.withLock { failure } }

    /// Refuses new requests, lets the queued ones commit, and waits for the thread to end.
    func stop() {
        let wasRunning: Bool = mutex.withLock {
            stopping = true
            mutex.broadcast()
            return running
        }
        guard wasRunning else { return }
        if pthread_equal(pthread_self(), thread) != 0 {
            pthread_detach(thread)  // the log's last reference went away on this very thread
        } else {
            pthread_join(thread, nil)
        }
    }

    /// Caller holds `mutex`.
    private func record(_ poison: LogError) {
        guard failure == nil else { return }
        failure = LogError(.io, "an earlier write or sync failed (\(poison.message)); the store must be reopened",
                           file: poison.file, offset: poison.offset, errno: poison.errno)
    }

    private func run() {
        var group: [CommitRequest] = []
        while true {
            let poisoned: LogError? = mutex.withLock {
                while committing || (queue.isEmpty && !stopping) { mutex.wait() }
                swap(&group, &queue)
                committing = !group.isEmpty
                return failure
            }
            if group.isEmpty {
                mutex.withLock { running = false }
                return
            }
            var poison: LogError?
            if let poisoned {
                for request in group { request.finish(.failure(poisoned)) }
            } else {
                poison = commit(group)
            }
            mutex.withLock {
                committing = false
                if let poison { record(poison) }
            }
            group.removeAll(keepingCapacity: true)
        }
    }
}
