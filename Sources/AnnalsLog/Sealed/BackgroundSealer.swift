import Logging
import Dispatch
import Synchronization

/// Seals full segments off the append path, one at a time, on a serial utility queue: the
/// machine's second core does the compression while the first keeps appending. Appends only
/// enqueue a request (`schedule`), which never blocks. A failed seal is logged and left for
/// the next request: the raw segment stays, so nothing is lost.
final class BackgroundSealer: @unchecked Sendable {
    // `queue` and `log` are set once; `pending` and `stopped` are atomics.
    private let queue = DispatchQueue(label: "annals.sealer", qos: .utility)
    private static let onQueue = DispatchSpecificKey<Bool>()
    private weak var log: Log?
    /// True while a request waits in the queue: a burst of rolls collapses into one pass.
    private let pending = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    init(log: Log) {
        self.log = log
        queue.setSpecific(key: Self.onQueue, value: true)
    }

    /// Asks for a pass over the full raw segments soon. Returns at once.
    func schedule() {
        guard !stopped.load(ordering: .acquiring),
              !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [weak self] in self?.run() }
    }

    private func run() {
        pending.store(false, ordering: .releasing)
        guard !stopped.load(ordering: .acquiring), let log else { return }
        do throws(LogError) {
            try log.sealFullSegments()
        } catch where error.code != .closed {
            log.logger.warning("background seal failed; the raw segment stays and is sealed later",
                               metadata: ["error": "\(error)"])
        } catch {}
    }

    /// Stops taking requests and waits for the pass in progress, if any, to end. On the queue
    /// itself (the log's last reference was dropped by the pass) there is nothing to wait for.
    func stop() {
        stopped.store(true, ordering: .releasing)
        if DispatchQueue.getSpecific(key: Self.onQueue) != true {
            queue.sync {}
        }
    }
}
