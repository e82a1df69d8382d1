// The spellings this release replaced (CHANGELOG.md says why): the cases about a stored event
// now carry a `Context` naming it. Each builds the new case, with the context it was given;
// patterns that bound the old payloads must move to the new cases.

extension AggregateError {
    /// Deprecated: the case now carries a ``Context`` that also names the event's stream,
    /// version, position and id.
    @available(*, deprecated, message: "use .missingUpcaster(_:fromVersion:), whose context names the event")
    public static func missingUpcaster(eventType: String, fromVersion: Int) -> AggregateError {
        .missingUpcaster(Context("no upcaster is registered", eventType: eventType), fromVersion: fromVersion)
    }

    /// Deprecated: the case now carries a ``Context`` that also names the event's stream,
    /// version, position and id.
    @available(*, deprecated, message: "use .newerSchema(_:version:current:), whose context names the event")
    public static func newerSchema(eventType: String, version: Int, current: Int) -> AggregateError {
        .newerSchema(Context("the event is newer than this code", eventType: eventType), version: version, current: current)
    }

    /// Deprecated: the case now carries a ``Context`` whose message is the reason.
    @available(*, deprecated, message: "use .undecodable(_:), whose context names the event")
    public static func undecodable(stream: StreamName, version: UInt64, eventType: String, reason: String) -> AggregateError {
        .undecodable(Context(reason, eventType: eventType, stream: stream, version: version))
    }
}
