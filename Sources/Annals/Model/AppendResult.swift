public import AnnalsLog

/// What a single-stream append did: where its events went and the stream's new version.
public struct AppendResult: Sendable, Equatable {
    /// The global positions of the appended events, in order.
    public var positions: ClosedRange<LogPosition>
    /// The stream's last version after the append (the version of its last event).
    public var streamVersion: UInt64

    public init(positions: ClosedRange<LogPosition>, streamVersion: UInt64) {
        self.positions = positions
        self.streamVersion = streamVersion
    }
}

/// One stream's part of a multi-stream append.
public struct StreamAppend: Sendable {
    public var stream: StreamName
    public var events: [EventData]
    public var expectedVersion: ExpectedVersion

    public init(stream: StreamName, events: [EventData], expectedVersion: ExpectedVersion = .any) {
        self.stream = stream
        self.events = events
        self.expectedVersion = expectedVersion
    }
}

/// What a multi-stream append did: the positions of the whole batch and each stream's new version.
public struct MultiAppendResult: Sendable, Equatable {
    public var positions: ClosedRange<LogPosition>
    public var streamVersions: [StreamName: UInt64]

    public init(positions: ClosedRange<LogPosition>, streamVersions: [StreamName: UInt64]) {
        self.positions = positions
        self.streamVersions = streamVersions
    }
}
