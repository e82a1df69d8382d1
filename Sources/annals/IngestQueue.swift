import AnnalsLog

/// The hand-over from the parsing thread to the committing task: units in input order,
/// bounded in bytes so a fast reader cannot run ahead of the disk without limit.
///
/// Invariants: units leave in the order they came; `queuedBytes` is the sum of the queued
/// units' stored bytes; after `finish` nothing more is put; at most one task waits in `next`.
final class IngestQueue: @unchecked Sendable {
    enum Take {
        /// Units to commit together, in input order.
        case units([IngestUnit])
        /// Nothing more will come; the failure that stopped the reader, if any.
        case end(CLIError?)
    }

    /// The parser waits while this many bytes are queued.
    let queuedBytesMax: Int
    /// One take holds at most this many bytes, unless a single unit alone is larger.
    let takeBytesMax: Int

    private let mutex = PosixMutex()
    private var units: [IngestUnit] = []
    private var queuedBytes = 0
    private var finished = false
    private var failure: CLIError?
    private var cancelled = false
    private var waiter: CheckedContinuation<Take, Never>?

    init(queuedBytesMax: Int, takeBytesMax: Int) {
        precondition(queuedBytesMax > 0 && takeBytesMax > 0, "the bounds hold at least one byte")
        self.queuedBytesMax = queuedBytesMax
        self.takeBytesMax = takeBytesMax
    }

    /// Queues `unit`, waiting while the queue is full. False when the committer has stopped:
    /// the parser then stops too.
    func put(_ unit: IngestUnit) -> Bool {
        precondition(!unit.isEmpty, "a queued unit holds events")
        mutex.lock()
        precondition(!finished, "nothing is put after finish")
        while queuedBytes >= queuedBytesMax && !cancelled { mutex.wait() }
        guard !cancelled else { mutex.unlock(); return false }
        units.append(unit)
        queuedBytes += unit.storedBytes
        let resume = takeForWaiter()
        mutex.unlock()
        resume?()
        return true
    }

    /// Ends the input: after the queued units, `next` returns `.end(failure)`.
    func finish(_ failure: CLIError?) {
        mutex.lock()
        precondition(!finished, "the input ends once")
        finished = true
        self.failure = failure
        let resume = takeForWaiter()
        mutex.unlock()
        resume?()
    }

    /// The committer stops: a waiting or later `put` returns false.
    func cancel() {
        mutex.lock()
        cancelled = true
        mutex.broadcast()
        mutex.unlock()
    }

    /// Everything ready, up to `takeBytesMax`; waits when nothing is.
    func next() async -> Take {
        await withCheckedContinuation { continuation in
            mutex.lock()
            precondition(waiter == nil, "one committer takes from the queue")
            if let take = take() {
                mutex.unlock()
                continuation.resume(returning: take)
            } else {
                waiter = continuation
                mutex.unlock()
            }
        }
    }

    /// What the waiting committer gets now, as a resumption to run after unlocking.
    private func takeForWaiter() -> (() -> Void)? {
        guard let waiter, let take = take() else { return nil }
        self.waiter = nil
        return { waiter.resume(returning: take) }
    }

    /// Takes the ready units (holding the lock); nil when there is nothing to take yet.
    private func take() -> Take? {
        guard !units.isEmpty else { return finished ? .end(failure) : nil }
        var count = 1
        var bytes = units[0].storedBytes
        while count < units.count && bytes + units[count].storedBytes <= takeBytesMax {
            bytes += units[count].storedBytes
            count += 1
        }
        let taken = Array(units.prefix(count))
        units.removeFirst(count)
        queuedBytes -= bytes
        mutex.broadcast()
        return .units(taken)
    }
}
