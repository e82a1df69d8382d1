#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import AnnalsLog

/// An embedded event store: named streams with optimistic concurrency, exactly idempotent
/// appends, stream, category, type and time reads, deletion, and subscriptions.
///
/// ```swift
/// let store = try await EventStore.open(directory: "/var/lib/orders")
/// let placed = try EventData.json(OrderPlaced(id: 17, total: 120), type: "OrderPlaced")
/// let result = try await store.append(to: "order-17", [placed], expectedVersion: .noStream)
/// for try await event in try await store.subscribe(from: .start, filter: .category("order")) {
///     print(event.stream, event.version, event.type)
/// }
/// ```
///
/// All methods are safe to call from any task. Appends are handed to the log's commit thread,
/// which checks and writes them in order and shares one fdatasync among all that are waiting;
/// the calling task awaits a continuation and no thread is parked for it. Reads of committed
/// data run on the caller's thread, with no hop (`reader` offers them synchronously too).
public final class EventStore: Sendable {
    let engine: StoreEngine
    let checkpoints: CheckpointStore

    private init(engine: StoreEngine, checkpoints: CheckpointStore) {
        self.engine = engine
        self.checkpoints = checkpoints
    }

    /// Opens (creating if needed) the store in `directory`, recovering the log and loading or
    /// rebuilding the stream indexes. `openReport` says what was repaired.
    ///
    /// With `mode: .readOnly` it opens an existing store beside its writer, in any process: no
    /// lock, no repair, no write. Reads and subscriptions see exactly what the writer has made
    /// durable, and follow it (reads catch up when their view is over a millisecond old;
    /// subscriptions poll every millisecond). Appends, deletes and checkpoint saves fail with
    /// `.storage` of code `.readOnly`.
    ///
    /// The store takes its metrics factory and tracer from `options`, or else from
    /// `MetricsSystem` and `InstrumentationSystem` as they are now: bootstrap those before
    /// opening, because one bootstrapped later is not seen by this store (<doc:RunningInAService>).
    public static func open(
        directory: String, options: EventStoreOptions = EventStoreOptions(), mode: OpenMode = .readWrite
    ) async throws(EventStoreError) -> EventStore {
        try await BlockingExecutor.shared.run { () throws(EventStoreError) -> EventStore in
            let engine = try StoreEngine.open(directory: directory, options: options, mode: mode)
            do throws(LogError) {
                let checkpoints = try CheckpointStore(fileSystem: engine.fileSystem, directory: directory)
                return EventStore(engine: engine, checkpoints: checkpoints)
            } catch {
                try? engine.close()
                throw EventStoreError(error)
            }
        }
    }

    /// What opening found and repaired.
    public var openReport: EventStoreOpenReport { engine.lock.withLock { engine.report } }

    /// Synchronous reads, on the caller's thread (like GRDB's `DatabaseReader`).
    public var reader: EventStoreReader { EventStoreReader(engine: engine) }

    /// Appends `events` to `stream` atomically if the stream's version is as expected.
    ///
    /// The first event of a stream gets version 0. If every event id is stored already, nothing
    /// is written and the original result is returned; if only some are, the append fails with
    /// `.idempotencyConflict`. Of racing appends that expect the same version, one wins and the
    /// others fail with `.wrongExpectedVersion`.
    @discardableResult
    public func append(
        to stream: StreamName, _ events: [EventData], expectedVersion: ExpectedVersion = .any
    ) async throws(EventStoreError) -> AppendResult {
        let result = try await append([StreamAppend(stream: stream, events: events, expectedVersion: expectedVersion)])
        return AppendResult(positions: result.positions, streamVersion: result.events.last!.streamVersion, isReplay: result.isReplay)
    }

    /// Appends to several streams in one atomic batch: all of it is written, or none (when any
    /// stream's expected version does not hold, or on failure). The log holds the events in the
    /// order given. A stream may appear more than once: each later part is checked against, and
    /// numbered after, the version its earlier parts reach.
    @discardableResult
    public func append(_ streams: [StreamAppend]) async throws(EventStoreError) -> MultiAppendResult {
        try await engine.append(streams)
    }

    /// Soft-deletes a live stream: it reads as deleted until an append revives it (`.any` or
    /// `.noStream`). Versions continue after a revival. Returns the delete record's position.
    @discardableResult
    public func softDelete(stream: StreamName, expectedVersion: ExpectedVersion = .any) async throws(EventStoreError) -> LogPosition {
        try await engine.delete(stream, expectedVersion: expectedVersion, hard: false)
    }

    /// Hard-deletes a stream: writes a tombstone, and the name is refused forever.
    @discardableResult
    public func hardDelete(stream: StreamName, expectedVersion: ExpectedVersion = .any) async throws(EventStoreError) -> LogPosition {
        try await engine.delete(stream, expectedVersion: expectedVersion, hard: true)
    }

    /// Refuses new appends, waits for those in flight, saves the stream heads and closes the log.
    public func close() async throws(EventStoreError) {
        let engine = self.engine
        try await BlockingExecutor.shared.run { () throws(EventStoreError) in try engine.close() }
    }
}
