import AnnalsLog
import Tracing
import Synchronization
public import ServiceLifecycle

/// Keeps a `Projection` up to date: catches up from its checkpoint by scanning the log, then
/// follows live appends through a subscription, applying events in batches.
///
/// ```swift
/// let runner = ProjectionRunner(store: store, projection: stock, filter: .category("product"))
/// try await runner.catchUp()                  // everything committed so far
/// let task = Task { try await runner.run() }  // and then live, until cancelled
/// print(try await runner.status().lag)
/// ```
///
/// The runner is a `Service` (swift-service-lifecycle): in a `ServiceGroup` its `run()` stops at
/// graceful shutdown after the batch in progress is applied and its checkpoint saved. List it
/// after the store, so that the group stops it before it closes the store.
public final class ProjectionRunner<P: Projection>: Sendable {
    /// The store the runner reads.
    public let store: EventStore
    /// The projection it keeps up to date.
    public let projection: P
    /// The events the projection is given; the checkpoint moves past the others.
    public let filter: EventFilter
    /// The most events handed to `Projection.apply` at once.
    public let batchEvents: Int

    /// The default batch, in events.
    public static var batchEventsDefault: Int { 512 }
    /// Records scanned per catch-up read when few match the filter, so the checkpoint moves
    /// on through long runs of skipped events.
    static var scanRecordsMax: Int { 16_384 }

    /// Metric handles labelled with the projection's type name; nil when no backend is there.
    let metrics: ProjectionMetrics?

    /// A runner applying the events of `store` that pass `filter` to `projection`, at most
    /// `batchEvents` at a time.
    public init(store: EventStore, projection: P, filter: EventFilter = .all, batchEvents: Int = ProjectionRunner.batchEventsDefault) {
        precondition(batchEvents > 0, "a batch holds at least one event")
        self.store = store
        self.projection = projection
        self.filter = filter
        self.batchEvents = batchEvents
        self.metrics = store.engine.metrics?.projection(String(describing: P.self))
    }

    /// The failure of a runner method: the store's, or the projection's own.
    public typealias Failure = ProjectionRunnerError<P.Failure>

    /// Applies every event committed before the call and not yet in the projection. Returns
    /// how many events were applied.
    @discardableResult
    public func catchUp() async throws(Failure) -> Int {
        let engine = store.engine
        let end = LogPosition(engine.visibleEnd.load(ordering: .acquiring))
        var position = try await storedCheckpoint().map { $0.advanced(by: 1) } ?? .first
        var applied = 0
        while position < end {
            let (from, filter, batch) = (position, self.filter, batchEvents)
            let scanned: (events: [RecordedEvent], next: LogPosition)
            do {
                scanned = try await BlockingExecutor.shared.run { () throws(EventStoreError) in
                    try engine.scan(from: from, end: end, filter: filter, maxEvents: batch, maxRecords: Self.scanRecordsMax)
                }
            } catch { throw .store(error) }
            let (events, next) = scanned
            precondition(next > position, "a scan before the end always moves on")
            if !events.isEmpty || next >= end {
                try await apply(events, through: LogPosition(next.rawValue - 1))
            }
            applied += events.count
            position = next
        }
        return applied
    }

    /// Catches up, then applies live appends as they commit, until the task is cancelled, a
    /// graceful shutdown of its `ServiceGroup` begins, or the store closes. Either way it stops
    /// between batches: the batch being applied finishes, with its checkpoint.
    public func run() async throws(Failure) {
        // The shutdown helper is untyped; the outcome travels as a value through it.
        let outcome = await cancelWhenGracefulShutdown { [self] () async -> Result<Void, Failure> in
            do throws(Failure) { try await follow() } catch { return .failure(error) }
            return .success(())
        }
        try outcome.get()
    }

    private func follow() async throws(Failure) {
        try await catchUp()
        if Task.isCancelled { return }
        let start = try await storedCheckpoint().map { $0.advanced(by: 1) } ?? .first
        var events: Subscription.Iterator
        do { events = try store.subscribe(from: .position(start), filter: filter).makeAsyncIterator() } catch { throw .store(error) }
        while !Task.isCancelled {
            let batch: (events: [RecordedEvent], through: LogPosition)?
            do { batch = try await events.nextBatch(maxEvents: batchEvents) } catch { throw .store(error) }
            guard let batch else { return }
            try await apply(batch.events, through: batch.through)
        }
    }

    /// Drops the read model and its checkpoint, then applies the whole log again. Returns how
    /// many events were applied.
    @discardableResult
    public func rebuild() async throws(Failure) -> Int {
        let projection = self.projection
        try await shielded { () throws(P.Failure) in try await projection.reset() }
        return try await catchUp()
    }

    /// The projection's checkpoint against the log's head, and so its lag.
    public func status() async throws(Failure) -> ProjectionStatus {
        let end = store.engine.visibleEnd.load(ordering: .acquiring)
        let head = end > LogPosition.first.rawValue ? LogPosition(end - 1) : nil
        return ProjectionStatus(checkpoint: try await storedCheckpoint(), head: head)
    }

    /// The projection's checkpoint, its failure wrapped.
    private func storedCheckpoint() async throws(Failure) -> LogPosition? {
        let projection = self.projection
        return try await shielded { () throws(P.Failure) in try await projection.checkpoint() }
    }

    /// Runs one call into the projection in a task of its own, so cancelling the runner (or a
    /// graceful shutdown) never reaches into it: a projection that checks for cancellation, as
    /// GRDB's async database access does, would otherwise fail the runner with a
    /// `CancellationError` instead of letting it stop between batches.
    /// `context` becomes the current service context inside the call.
    func shielded<T: Sendable>(in context: ServiceContext? = ServiceContext.current,
                               _ call: @escaping @Sendable () async throws(P.Failure) -> T) async throws(Failure) -> T {
        let outcome = await Task { () async -> Result<T, P.Failure> in
            await ServiceContext.$current.withValue(context) { () async -> Result<T, P.Failure> in
                do throws(P.Failure) { return .success(try await call()) } catch { return .failure(error) }
            }
        }.value
        do { return try outcome.get() } catch { throw .projection(error) }
    }
}

extension ProjectionRunner: Service {}
