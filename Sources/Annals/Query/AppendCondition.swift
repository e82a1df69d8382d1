public import AnnalsLog

/// A condition on an append (Dynamic Consistency Boundaries, docs/DCB.md): fail if any event
/// matching `failIfEventsMatch` was appended after `after`.
///
/// A decision reads the events its query selects, notes the last position it saw, and appends
/// with this condition: the append is written only if nothing the decision depended on changed
/// since. The commit thread checks it and writes in one step, so no other append interleaves.
public struct AppendCondition: Sendable, Hashable {
    /// The events whose appearance makes the append fail.
    public var failIfEventsMatch: EventQuery
    /// Only events after this position count; nil means any event in the log.
    public var after: LogPosition?

    /// Fail if an event matching `query` exists after `after` (nil: anywhere in the log).
    public init(failIfEventsMatch query: EventQuery, after: LogPosition?) {
        self.failIfEventsMatch = query
        self.after = after
    }
}
