import AnnalsLog
/// An aggregate's state as loaded, with the stream version it reflects.
public struct Loaded<A: Aggregate>: Sendable {
    /// The instance's id, as passed to the repository.
    public let id: String
    /// The state after folding every event up to `version`.
    public var state: A
    /// The version of the last event folded into `state`; nil when the stream has no events.
    public var version: UInt64?
    /// How many events were read from the log and folded to build `state` (the tail after the
    /// snapshot it started from, or every event when it started from nothing).
    public let eventsReplayed: Int
    /// Events folded into `state` since the last snapshot it knows of; drives automatic snapshots.
    var eventsSinceSnapshot: Int

    /// The stream holding the instance's events.
    public var stream: StreamName { A.streamName(for: id) }

    /// What a save after this load expects: exactly `version`, or no stream yet.
    public var expectedVersion: ExpectedVersion { version.map { .exact($0) } ?? .noStream }

    init(id: String, state: A, version: UInt64?, eventsReplayed: Int, eventsSinceSnapshot: Int) {
        self.id = id
        self.state = state
        self.version = version
        self.eventsReplayed = eventsReplayed
        self.eventsSinceSnapshot = eventsSinceSnapshot
    }
}
