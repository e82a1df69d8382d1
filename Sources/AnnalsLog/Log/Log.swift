import Logging
import Synchronization

/// A segmented, append-only log of checksummed records in one directory: the storage core.
///
/// Appends from many threads are coalesced by group commit into one write and one fdatasync.
/// Readers see records up to the committed watermark and never past it. All methods are
/// synchronous and thread-safe; the layer above wraps them for `async` callers.
///
/// Opened `.readOnly`, a log takes no lock and writes nothing: it reads what the writer (in
/// any process) has made durable, as published in the `HEAD` file, and `refresh()` catches up.
public final class Log: @unchecked Sendable {
    /// The store's directory.
    public let directory: String
    /// The options the log was opened with.
    public let options: LogOptions
    /// Whether this log was opened for writing or read-only beside a writer.
    public let mode: OpenMode
    /// What opening the store found and repaired.
    public let recoveryReport: RecoveryReport
    let fileSystem: any StorageFileSystem
    var logger: Logger { options.logger }

    /// Guards the segment table. Readers take a snapshot; the leader appends on roll.
    let tableMutex = PosixMutex()
    /// Raw and sealed segments by base; the last is the active one (always raw).
    var segments: [any SegmentSource]
    /// The position after the last committed record: readers never pass it.
    let committedNext: Atomic<UInt64>

    /// Owns group commit: the only thread that touches `writer` while the log is open (nil
    /// when read-only).
    private(set) var commitThread: CommitThread?
    /// Set once by `close` (and `abandonForTesting`), which run one at a time.
    private let closeMutex = PosixMutex()
    private var isClosed = false
    /// False once the log is closing: reads fail with `.closed`.
    let isOpenForReads = Atomic<Bool>(true)
    /// The active segment's writer; nil when read-only.
    let writable: SegmentWriter?
    private let storeLock: (any StorageLock)?
    /// Follows the writer's `HEAD` when read-only; nil when writable.
    let follower: LogFollower?
    var intervalFlusher: IntervalFlusher?
    /// Decompressed sealed blocks, shared by all sealed segments (`LogOptions.blockCacheBytes`).
    let blockCache: BlockCache
    /// Held for the whole of a seal, so background and manual seals never overlap.
    let sealMutex = PosixMutex()
    /// Set once at open under `.background` sealing.
    private(set) var sealer: BackgroundSealer?
    /// Metric handles, nil when no metrics backend is there (docs/OBSERVABILITY.md).
    let metrics: LogMetrics?

    /// Opens (creating if needed) the store in `directory`, recovering from any crash.
    /// Fails with `.conflict` when another process has it open.
    ///
    /// With `mode: .readOnly` it opens an existing store beside its writer, if any: no lock,
    /// no recovery, no write of any kind. It sees exactly the records the writer made durable
    /// (FORMAT.md §9, DURABILITY.md "Readers in other processes").
    public static func open(directory: String, options: LogOptions = LogOptions(), mode: OpenMode = .readWrite) throws(LogError) -> Log {
        try options.validate()
        let metrics = LogMetrics.make(options)
        let cache = BlockCache(capacityBytes: options.blockCacheBytes, metrics: metrics)
        if mode == .readOnly {
            let opened = try ReadOnlyOpen(directory: directory, options: options, blockCache: cache).open()
            return Log(directory: directory, options: options, readOnly: opened, blockCache: cache, metrics: metrics)
        }
        let recovered = try LogRecovery(directory: directory, options: options, blockCache: cache).recover()
        let log = Log(directory: directory, options: options, recovered: recovered, blockCache: cache, metrics: metrics)
        do throws(LogError) {
            let publisher = try HeadPublisher(fileSystem: options.fileSystem, directory: directory, logger: options.logger)
            log.writer.headPublisher = publisher
            // Recovery synced what it kept, so everything recovered is durable.
            publisher.publishBoth(durableNext: log.writer.nextPosition, activeBase: log.writer.segment.base,
                                  activeDurableEnd: log.writer.dataEnd)
        } catch {
            log.logger.warning("could not open the HEAD file: read-only openers will not see this writer's appends", metadata: ["error": "\(error)"])
        }
        if options.sealing == .background {
            log.sealer = BackgroundSealer(log: log)
            log.sealer?.schedule()  // full raw segments left by an earlier run
        }
        return log
    }

    private init(directory: String, options: LogOptions, recovered: LogRecovery.Result, blockCache: BlockCache, metrics: LogMetrics?) {
        self.blockCache = blockCache
        self.metrics = metrics
        metrics?.noteRecovery(recovered.report)
        recovered.writer.metrics = metrics
        self.directory = directory
        self.options = options
        self.mode = .readWrite
        self.fileSystem = options.fileSystem
        self.recoveryReport = recovered.report
        self.segments = recovered.segments
        for case let raw as Segment in recovered.segments { raw.attach(cache: blockCache) }
        self.writable = recovered.writer
        self.storeLock = recovered.lock
        self.follower = nil
        self.committedNext = Atomic(recovered.writer.nextPosition.rawValue)
        let thread = CommitThread { [weak self] group in self?.commitGroup(group) }
        commitThread = thread
        thread.start()
        if case .interval(let milliseconds) = options.durability {
            intervalFlusher = IntervalFlusher(log: self, milliseconds: milliseconds)
        }
        if !recovered.report.isClean {
            logger.warning("recovered store", metadata: ["directory": "\(directory)", "report": "\(recovered.report)"])
        }
    }

    private init(directory: String, options: LogOptions, readOnly opened: ReadOnlyOpen.Result, blockCache: BlockCache, metrics: LogMetrics?) {
        self.blockCache = blockCache
        self.metrics = metrics
        self.directory = directory
        self.options = options
        self.mode = .readOnly
        self.fileSystem = options.fileSystem
        self.recoveryReport = opened.report
        self.segments = opened.segments
        for case let raw as Segment in opened.segments { raw.attach(cache: blockCache) }
        self.writable = nil
        self.storeLock = nil
        self.follower = opened.follower
        self.committedNext = Atomic(opened.follower.head.durableNext.rawValue)
    }

    /// The active segment's writer. Only the commit thread, open and close touch it, and only
    /// in a writable log.
    var writer: SegmentWriter {
        guard let writable else { preconditionFailure("only a writable log has a writer") }
        return writable
    }

    /// Throws `.readOnly` for an operation that would change a read-only store.
    func checkWritable(_ operation: String) throws(LogError) {
        guard mode == .readWrite else {
            throw LogError(.readOnly, "cannot \(operation): the store is open read-only (the writer's process does this)")
        }
    }

    deinit {
        try? close()
    }

    /// The position the next append will get. Every position below it is committed.
    public var nextPosition: LogPosition { LogPosition(committedNext.load(ordering: .acquiring)) }

    /// The last committed position, or nil for an empty store.
    public var lastPosition: LogPosition? {
        let next = nextPosition
        return next == .first ? nil : LogPosition(next.rawValue - 1)
    }

    var segmentSnapshot: [any SegmentSource] { tableMutex.withLock { segments } }

    /// Syncs all written records, writes the clean-shutdown marker and releases the lock.
    /// Later calls fail with `.closed`. Closing twice is harmless.
    public func close() throws(LogError) {
        guard closeOnce() else { return }
        stopSealing()
        defer {
            storeLock?.release()
            writable?.headPublisher?.close()
            follower?.close()
            for segment in segmentSnapshot { segment.close() }
        }
        guard mode == .readWrite else { return }
        if let failure = commitThread?.poison { throw failure }
        do throws(WriterFailure) { try writer.close() } catch { throw error.error }
        let marker = CleanShutdownMarker(
            nextPosition: writer.nextPosition, activeBase: writer.segment.base, activeEndOffset: writer.dataEnd)
        try AtomicFile.write(fileSystem, directory: directory, name: SegmentFileName.cleanShutdownFile, bytes: marker.encode())
    }

    func releaseLockForTesting() { storeLock?.release() }

    /// Marks the log closed, lets the queued requests commit and stops the commit thread.
    /// True for the first caller only.
    private func closeOnce() -> Bool {
        let first: Bool = closeMutex.withLock {
            defer { isClosed = true }
            return !isClosed
        }
        guard first else { return false }
        intervalFlusher?.stop()
        commitThread?.stop()  // new requests are refused; queued ones still commit
        isOpenForReads.store(false, ordering: .releasing)
        return true
    }
}

extension Log {
    /// Drops the log without syncing or writing the clean-shutdown marker, as a crash would,
    /// and releases the lock so the same process can reopen the store. For tests only.
    public func abandonForTesting() {
        guard closeOnce() else { return }
        stopSealing()
        writable?.headPublisher?.close()
        follower?.close()
        for segment in segmentSnapshot { segment.close() }
        releaseLockForTesting()
    }
}
