import AnnalsLog
import Dispatch
import Synchronization

/// Runs blocking work (fdatasync, pread, lock waits) off Swift's cooperative pool.
///
/// Work goes round-robin to a fixed set of serial dispatch queues. Serial queues get their own
/// ("overcommit") threads even when every core is busy, so up to `width` appends can block in
/// the log at once and be coalesced by its group commit, while the cooperative pool stays free.
final class BlockingExecutor: Sendable {
    static let shared = BlockingExecutor(width: 32)

    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)

    init(width: Int) {
        precondition(width > 0, "an executor needs at least one queue")
        queues = (0..<width).map { DispatchQueue(label: "annals.blocking.\($0)") }
    }

    /// Runs `work` on a blocking thread and returns its result.
    func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        let queue = queues[(index % queues.count + queues.count) % queues.count]
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(E) { continuation.resume(returning: .success(try work())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
