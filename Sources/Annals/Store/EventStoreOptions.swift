public import AnnalsLog
public import Tracing

/// How an `EventStore` is opened.
public struct EventStoreOptions: Sendable {
    /// The storage core's options: durability, segment size, logger, file system, clock.
    public var log: LogOptions
    /// The most events a subscription holds in memory at once. A subscriber that falls behind
    /// never holds more; it reads on from the log when it asks for the next event.
    public var subscriptionBufferEvents: Int
    /// Test hook: replaces the stream hash, for example with a constant to force every stream
    /// into one hash bucket. Index files made with it are marked and rebuilt without it.
    public var streamHashForTesting: (@Sendable (String) -> UInt64)?

    /// The tracer for the store's spans (append, read, projection batch) and for the span
    /// context carried in appended events' metadata (docs/OBSERVABILITY.md); nil means the
    /// tracer bootstrapped in `InstrumentationSystem` when the store opens. With neither, no
    /// span is made and nothing is added to metadata. The tracer is resolved once, at open:
    /// bootstrap it before opening the store (a store opened before
    /// `InstrumentationSystem.bootstrap` makes no spans until it is reopened). Metrics are set
    /// in `log` (`LogOptions.metricsFactory`), under the same rule.
    public var tracer: (any Tracer)?

    /// Test hook: the commit thread waits for a full segment's index files to be written
    /// before it goes on, so a seeded fault test replays the same file-system steps every run.
    @_spi(Testing) public var waitsForIndexWrites = false

    /// The default subscription buffer, in events.
    public static let subscriptionBufferEventsDefault = 512

    /// Options with the log's settings `log` and a subscription buffer of
    /// `subscriptionBufferEvents`; `streamHashForTesting` replaces the stream hash, for tests only.
    public init(
        log: LogOptions = LogOptions(),
        subscriptionBufferEvents: Int = EventStoreOptions.subscriptionBufferEventsDefault,
        streamHashForTesting: (@Sendable (String) -> UInt64)? = nil
    ) {
        self.log = log
        self.subscriptionBufferEvents = subscriptionBufferEvents
        self.streamHashForTesting = streamHashForTesting
    }

    /// The tracer spans go to, or nil when it is the no-op one (nothing bootstrapped or given).
    var resolvedTracer: (any Tracer)? {
        let tracer = self.tracer ?? InstrumentationSystem.tracer
        return tracer is NoOpTracer ? nil : tracer
    }

    var streamHash: StreamHash {
        streamHashForTesting.map { StreamHash.custom($0) } ?? .standard
    }

    func validate() throws(EventStoreError) {
        guard subscriptionBufferEvents > 0 else {
            throw .invalidArgument("the subscription buffer must hold at least one event, got \(subscriptionBufferEvents)")
        }
    }
}

/// What opening an event store found and repaired, beyond the log's own recovery.
public struct EventStoreOpenReport: Sendable, Equatable {
    /// The storage core's recovery report.
    public var log: RecoveryReport
    /// Derived stream-layer files rebuilt from the log because they were missing or bad.
    public var indexesRebuilt: [String] = []
    /// True when the stream-heads checkpoint was missing, bad or stale and was rebuilt.
    public var headsRebuilt = false
    /// Records read from the log on open (the active segment, plus anything after the checkpoint).
    public var recordsScanned = 0

    /// A report of the log's recovery, before the stream layer adds to it.
    public init(log: RecoveryReport) { self.log = log }
}
