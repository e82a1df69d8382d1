/// One event of a multi-stream append, naming its stream: ``EventStore/append(_:expectedVersions:)``
/// takes these in the order the log should hold them.
public struct StreamEvent: Sendable, Equatable {
    /// The stream the event goes to.
    public var stream: StreamName
    /// The event itself.
    public var event: EventData

    /// `event`, bound for `stream`.
    public init(stream: StreamName, event: EventData) {
        self.stream = stream
        self.event = event
    }
}
