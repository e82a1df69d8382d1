#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import AnnalsLog

/// Loads aggregates by folding their streams, and saves new events with optimistic concurrency.
///
/// ```swift
/// let products = Repository<Product>(store: store)
/// let product = try await products.load(id: "apple")
/// try await products.save([.restocked(Restocked(quantity: 10))], to: product)
/// ```
///
/// Loading starts from the newest usable snapshot (same schema version, at or below the version
/// asked for) and folds the events after it. With `A.snapshotInterval` set, loads and saves take
/// a new snapshot once that many events were folded past the last one.
public struct Repository<A: Aggregate>: Sendable {
    /// The store the aggregates' streams live in.
    public let store: EventStore
    /// Encodes and decodes the aggregate's events, upcasting old schema versions.
    public let codec: EventCodec<A.Event>
    let snapshots: SnapshotStore

    /// A repository of `A` in `store`, using `codec` for its events.
    public init(store: EventStore, codec: EventCodec<A.Event> = EventCodec()) {
        self.store = store
        self.codec = codec
        self.snapshots = SnapshotStore(store: store)
    }

    /// The instance's current state.
    public func load(id: String) async throws(AggregateError) -> Loaded<A> {
        var loaded = try await fold(id: id, upTo: nil)
        try await snapshotIfDue(&loaded)
        return loaded
    }

    /// The state after the event at stream version `version` (the current state when the stream
    /// has not reached it yet).
    public func load(id: String, atVersion version: UInt64) async throws(AggregateError) -> Loaded<A> {
        try await fold(id: id, upTo: version)
    }

    /// The state as it was at `date`: the events committed at or before then, folded.
    public func load(id: String, asOf date: Date) async throws(AggregateError) -> Loaded<A> {
        let events: [RecordedEvent]
        do { events = try await store.read(stream: A.streamName(for: id), asOf: date) } catch { throw AggregateError(error) }
        var state = A()
        for event in events { state.apply(try codec.decode(event)) }
        return Loaded(id: id, state: state, version: events.last?.version, eventsReplayed: events.count, eventsSinceSnapshot: events.count)
    }

    /// Appends `events` to the instance's stream if its version is `expectedVersion`; otherwise
    /// throws `.conflict` and writes nothing. `timestamp` backdates the events (see `EventData`).
    @discardableResult
    public func save(
        id: String, events: [A.Event], expectedVersion: ExpectedVersion, timestamp: Date? = nil
    ) async throws(AggregateError) -> AppendResult {
        precondition(!events.isEmpty, "a save writes at least one event")
        var data: [EventData] = []
        for event in events { data.append(try codec.encode(event, timestamp: timestamp)) }
        do {
            return try await store.append(to: A.streamName(for: id), data, expectedVersion: expectedVersion)
        } catch {
            throw AggregateError(error)
        }
    }

    /// Appends `events` after the state `loaded` was built from: the save expects the stream to
    /// be still at `loaded.version`, else it throws `.conflict`. Returns the new state.
    @discardableResult
    public func save(_ events: [A.Event], to loaded: Loaded<A>, timestamp: Date? = nil) async throws(AggregateError) -> Loaded<A> {
        let result = try await save(id: loaded.id, events: events, expectedVersion: loaded.expectedVersion, timestamp: timestamp)
        var next = loaded
        next.state.apply(contentsOf: events)
        next.version = result.streamVersion
        next.eventsSinceSnapshot += events.count
        try await snapshotIfDue(&next)
        return next
    }

    /// Loads the instance, asks `decide` for new events, and saves them expecting the loaded
    /// version. On `.conflict` it reloads and decides again, at most `maxAttempts` times in all,
    /// then rethrows the last conflict. Errors thrown by `decide` end it at once. No events
    /// means nothing to save: the loaded state is returned.
    @discardableResult
    public func execute(
        id: String, maxAttempts: Int = 5, timestamp: Date? = nil, _ decide: (A) async throws -> [A.Event]
    ) async throws -> Loaded<A> {
        precondition(maxAttempts >= 1, "execute makes at least one attempt")
        var attempt = 1
        while true {
            let loaded = try await load(id: id)
            let events = try await decide(loaded.state)
            if events.isEmpty { return loaded }
            let outcome: Result<Loaded<A>, AggregateError>
            do { outcome = .success(try await save(events, to: loaded, timestamp: timestamp)) } catch { outcome = .failure(error) }
            switch outcome {
            case .success(let saved):
                return saved
            case .failure(let error):
                guard case .conflict = error, attempt < maxAttempts else { throw error }
                attempt += 1
            }
        }
    }

    /// Takes a snapshot of the instance's state now, whatever the interval says: of its current
    /// state, or of its state at stream version `version`.
    @discardableResult
    public func snapshot(id: String, atVersion version: UInt64? = nil) async throws(AggregateError) -> Loaded<A> {
        var loaded = try await fold(id: id, upTo: version)
        try await writeSnapshot(&loaded)
        return loaded
    }
}
