public import AnnalsLog

/// What a single-stream append did: where its events went and the stream's new version.
public struct AppendResult: Sendable, Equatable {
    /// The global positions of the appended events, in order.
    public var positions: ClosedRange<LogPosition>
    /// The stream's last version after the append (the version of its last event).
    public var streamVersion: UInt64
    /// True when every event was stored already: nothing was written, and this is the
    /// original append's result.
    public var isReplay: Bool

    /// A result at `positions`, reaching `streamVersion`.
    public init(positions: ClosedRange<LogPosition>, streamVersion: UInt64, isReplay: Bool = false) {
        self.positions = positions
        self.streamVersion = streamVersion
        self.isReplay = isReplay
    }
}

/// One stream's part of a multi-stream append.
public struct StreamAppend: Sendable {
    /// The stream the part goes to.
    public var stream: StreamName
    /// The part's events, in order.
    public var events: [EventData]
    /// What the stream's version must be before this part (see ``EventStore/append(_:)``).
    public var expectedVersion: ExpectedVersion

    /// A part appending `events` to `stream`, expecting `expectedVersion`.
    public init(stream: StreamName, events: [EventData], expectedVersion: ExpectedVersion = .any) {
        self.stream = stream
        self.events = events
        self.expectedVersion = expectedVersion
    }
}

/// Where one appended event went.
public struct AppendedEvent: Sendable, Equatable {
    /// The stream the event went to.
    public var stream: StreamName
    /// Its global position in the log.
    public var position: LogPosition
    /// Its version in its stream.
    public var streamVersion: UInt64
    /// The time the log recorded for it, in nanoseconds since 1970-01-01 UTC (the same value as
    /// ``RecordedEvent/timestampNanoseconds`` when it is read back).
    public var timestampNanoseconds: Int64

    /// Where an event went: its stream, position, version and commit time.
    public init(stream: StreamName, position: LogPosition, streamVersion: UInt64, timestampNanoseconds: Int64) {
        self.stream = stream
        self.position = position
        self.streamVersion = streamVersion
        self.timestampNanoseconds = timestampNanoseconds
    }

    /// Deprecated: an `Int64` named `timestamp` beside `EventData.timestamp`, a `Date`.
    @available(*, deprecated, renamed: "timestampNanoseconds")
    public var timestamp: Int64 { timestampNanoseconds }

    /// Deprecated: see ``timestamp``.
    @available(*, deprecated, renamed: "init(stream:position:streamVersion:timestampNanoseconds:)")
    public init(stream: StreamName, position: LogPosition, streamVersion: UInt64, timestamp: Int64) {
        self.init(stream: stream, position: position, streamVersion: streamVersion, timestampNanoseconds: timestamp)
    }
}

/// What a multi-stream append did: where each event went, the positions of the whole batch and
/// each stream's new version.
public struct MultiAppendResult: Sendable, Equatable {
    /// One per event, in the order the append listed them.
    public var events: [AppendedEvent]
    /// True when every event was stored already: nothing was written, and `events` tell where
    /// the original append put them.
    public var isReplay: Bool

    /// A result of `events`, in append order (at least one).
    public init(events: [AppendedEvent], isReplay: Bool) {
        precondition(!events.isEmpty, "an append holds at least one event")
        self.events = events
        self.isReplay = isReplay
    }

    /// The lowest through the highest position of the batch (consecutive unless a replay).
    public var positions: ClosedRange<LogPosition> {
        var low = events[0].position
        var high = low
        for event in events {
            low = min(low, event.position)
            high = max(high, event.position)
        }
        return low...high
    }

    /// Each stream's last version after the append.
    public var streamVersions: [StreamName: UInt64] {
        var versions: [StreamName: UInt64] = [:]
        for event in events { versions[event.stream] = max(versions[event.stream] ?? 0, event.streamVersion) }
        return versions
    }

    /// The result of a batch just written: `entries` in the order given, at `batch`'s positions.
    init(written entries: [LogEntry], batch: AppendedBatch) {
        precondition(entries.count == batch.count, "one position per entry")
        var events: [AppendedEvent] = []
        events.reserveCapacity(entries.count)
        var position = batch.positions.lowerBound
        for (index, entry) in entries.enumerated() {
            events.append(AppendedEvent(stream: StreamName(entry.stream), position: position,
                                        streamVersion: entry.streamVersion, timestampNanoseconds: batch.timestamps[index]))
            position = position.advanced(by: 1)
        }
        self.init(events: events, isReplay: false)
    }
}
