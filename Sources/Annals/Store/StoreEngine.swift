import AnnalsLog
import Synchronization

/// The synchronous core of the stream layer: stream heads, per-segment indexes, in-flight
/// appends and the indexed watermark, all guarded by one lock. `EventStore` calls it from
/// blocking threads; nothing here runs on the cooperative pool.
///
/// Invariants (under `lock`):
/// - `heads` reflects every append that returned from the log, in any order (see `StreamHead`).
/// - Every position below `watermark` is noted in `openSegments` or `fullSegments`.
/// - At most one append per stream, and per event id, is between its checks and its note
///   (`busyStreams`, `busyIDs`), so a check and the write it guards cannot interleave with another.
final class StoreEngine: @unchecked Sendable {
    let log: Log
    let options: EventStoreOptions
    let hash: StreamHash
    var directory: String { log.directory }
    var fileSystem: any StorageFileSystem { log.options.fileSystem }

    let lock = PosixMutex()
    var heads: [String: StreamHead] = [:]
    /// In-memory indexes of segments still being written (usually one), by base.
    var openSegments: [LogPosition: OpenSegmentIndex] = [:]
    /// Mapped indexes of full segments, by base ascending.
    var fullSegments: [FullSegmentIndex] = []
    var busyStreams: Set<String> = []
    var busyIDs: Set<EventID> = []
    /// Appended ranges noted out of order, by first position, waiting for the watermark.
    var pendingRanges: [UInt64: UInt64] = [:]
    var watermark: LogPosition
    var isClosed = false
    var report: EventStoreOpenReport

    /// `watermark`, readable without the lock (subscribers poll it).
    let visibleEnd: Atomic<UInt64>
    let signal = CommitSignal()

    init(log: Log, options: EventStoreOptions) {
        self.log = log
        self.options = options
        self.hash = options.streamHash
        self.watermark = log.nextPosition
        self.visibleEnd = Atomic(log.nextPosition.rawValue)
        self.report = EventStoreOpenReport(log: log.recoveryReport)
    }

    /// Opens the log and loads or rebuilds the stream layer's state.
    static func open(directory: String, options: EventStoreOptions) throws(EventStoreError) -> StoreEngine {
        try options.validate()
        let log: Log
        do { log = try Log.open(directory: directory, options: options.log) } catch { throw EventStoreError(error) }
        let engine = StoreEngine(log: log, options: options)
        do throws(LogError) {
            try engine.load()
        } catch {
            try? log.close()
            throw EventStoreError(error)
        }
        return engine
    }

    /// Waits for in-flight appends, persists the heads checkpoint and closes the log.
    func close() throws(EventStoreError) {
        let state: (heads: [String: StreamHead], covered: LogPosition)? = lock.withLock {
            guard !isClosed else { return nil }
            isClosed = true
            lock.broadcast()
            while !busyStreams.isEmpty { lock.wait() }
            return (heads, watermark)
        }
        signal.close()
        guard let state else { return }
        do throws(LogError) {
            try writeHeads(state.heads, coveredNext: state.covered)
            try log.close()
        } catch {
            try? log.close()
            throw EventStoreError(error)
        }
    }

    func checkOpen() throws(EventStoreError) {
        if isClosed { throw .closed }
    }
}
