import AnnalsLog
import Dispatch
import Synchronization
import Tracing

/// The core of the stream layer: stream heads, per-segment indexes and the indexed watermark.
///
/// Who touches what:
/// - The log's commit thread decides and finishes every append (`StoreEngine+Append`): it is
///   the only writer of `heads`, `openSegments` and `watermark`, and the only user of
///   `tentative`.
/// - Readers run on their callers' threads and take `lock` only to copy what they need.
/// - The index queue writes full segments' index files and the heads checkpoint, off the
///   commit thread and without `lock`; it takes `lock` only to publish what it wrote.
///
/// Invariants (under `lock`):
/// - `heads` reflects every append the log acknowledged, and nothing else.
/// - Every position below `watermark` is noted in `openSegments` or `fullSegments`.
final class StoreEngine: @unchecked Sendable {
    let log: Log
    let options: EventStoreOptions
    let hash: StreamHash
    var directory: String { log.directory }
    var fileSystem: any StorageFileSystem { log.options.fileSystem }

    let lock = PosixMutex()
    var heads: [String: StreamHead] = [:]
    /// In-memory indexes of segments not yet written out (the active one, and a full one
    /// while the index queue writes its files), by base.
    var openSegments: [LogPosition: OpenSegmentIndex] = [:]
    /// Mapped indexes of full segments, by base ascending.
    var fullSegments: [FullSegmentIndex] = []
    var watermark: LogPosition
    var isClosed = false
    var report: EventStoreOpenReport
    /// Bases of full segments handed to the index queue and not yet published.
    var segmentsBeingWritten: Set<LogPosition> = []

    /// Commit-thread state: what decided jobs of the current group will write.
    var tentative = TentativeHeads()
    /// Set when `close` starts: new appends are refused; those already submitted finish.
    let isClosing = Atomic<Bool>(false)
    /// Writes index files and the heads checkpoint off the commit thread.
    let indexQueue = DispatchQueue(label: "annals.stream-index", qos: .utility)

    /// `watermark`, readable without the lock (subscribers poll it).
    let visibleEnd: Atomic<UInt64>
    let signal = CommitSignal()
    /// Metric handles, nil when no metrics backend is there (docs/OBSERVABILITY.md).
    let metrics: StoreMetrics?
    /// The tracer for append, read and projection spans, nil when none is bootstrapped or given.
    let tracer: (any Tracer)?
    /// `metrics != nil || tracer != nil`, as a plain flag: testing the optional existential on
    /// every append copied it (about 150 instructions, measured with callgrind).
    let isObserved: Bool
    /// True when opened read-only: the engine follows another process's writer
    /// (`StoreEngine+Follow`) and never writes.
    let isReadOnly: Bool
    /// Makes catch-ups one at a time (read-only only); taken before `lock`, never inside it.
    let followMutex = PosixMutex()
    /// When the last catch-up ran (uptime nanoseconds; read-only only).
    let lastFollowed = Atomic<UInt64>(0)
    /// Wakes a read-only engine's subscriptions when the writer's watermark moves (nil for a writer).
    let poller: WatermarkPoller?

    init(log: Log, options: EventStoreOptions) {
        self.log = log
        self.options = options
        self.metrics = StoreMetrics.make(options.log)
        self.tracer = options.resolvedTracer
        self.isObserved = metrics != nil || tracer != nil
        self.hash = options.streamHash
        self.watermark = log.nextPosition
        self.visibleEnd = Atomic(log.nextPosition.rawValue)
        self.report = EventStoreOpenReport(log: log.recoveryReport)
        self.isReadOnly = log.mode == .readOnly
        self.poller = isReadOnly ? WatermarkPoller(intervalNanoseconds: Self.followIntervalNanoseconds) : nil
    }

    /// Opens the log and loads or rebuilds the stream layer's state (read-only: loads it,
    /// building in memory whatever the writer has not written yet).
    static func open(directory: String, options: EventStoreOptions, mode: OpenMode) throws(EventStoreError) -> StoreEngine {
        try options.validate()
        let log: Log
        do { log = try Log.open(directory: directory, options: options.log, mode: mode) } catch { throw EventStoreError(error) }
        let engine = StoreEngine(log: log, options: options)
        do throws(LogError) {
            // A reader's last segment is the writer's active one as last published; the writer
            // may have rolled past it since, so only the writer's open can tell a lost segment.
            if mode == .readWrite { try engine.checkNoSegmentLostAfter(log.segmentBases().last!) }
            try engine.load()
        } catch {
            try? log.close()
            throw EventStoreError(error)
        }
        engine.metrics?.noteOpen(engine.report)
        return engine
    }

    /// Refuses new appends, lets submitted ones finish, writes out pending index files and the
    /// heads checkpoint, and closes the log.
    func close() throws(EventStoreError) {
        guard !isClosing.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if isReadOnly {
            followMutex.withLock { lock.withLock { isClosed = true } }
            signal.close()
            do throws(LogError) { try log.close() } catch { throw EventStoreError(error) }
            return
        }
        // Every append submitted before the flag was set is queued ahead of this sync, and has
        // finished (and handed any full segment to the index queue) when it returns.
        do throws(LogError) { try log.sync() } catch where error.code == .closed {} catch {
            try? log.close()
            throw EventStoreError(error)
        }
        // From here no index write is queued (`writeOutFullSegments` checks `isClosed`); one
        // that raced past the flag is finished by the log's close, and its records are replayed
        // on the next open, since the checkpoint covers only what is noted now.
        let state: (heads: [String: StreamHead], covered: LogPosition) = lock.withLock {
            isClosed = true
            return (heads, watermark)
        }
        indexQueue.sync {}
        signal.close()
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

    /// Throws for an operation that would change a read-only store.
    func checkWritable(_ operation: String) throws(EventStoreError) {
        guard !isReadOnly else {
            throw .storage(LogError(.readOnly, "cannot \(operation): the store is open read-only (the writer's process does this)"))
        }
    }
}
