import AnnalsLog
/// A stream's state as the store knows it without reading the stream.
public struct StreamInfo: Sendable, Equatable {
    /// Whether the stream can be read and written.
    public enum State: String, Sendable, Equatable {
        /// Readable (possibly revived after a soft delete).
        case live
        /// Soft-deleted and not revived: reads as deleted; `.noStream` appends revive it.
        case softDeleted
        /// Hard-deleted: the name is refused forever.
        case tombstoned
    }

    /// The stream's name.
    public var stream: StreamName
    /// Whether it is live, soft-deleted or hard-deleted.
    public var state: State
    /// The last readable version, or nil when nothing is readable.
    public var version: UInt64?
    /// Readable events: those since the last soft delete.
    public var eventCount: UInt64
    /// The time of the stream's last record, in nanoseconds since 1970 (0 if unknown).
    public var lastTimestampNanoseconds: Int64

    init(stream: StreamName, head: StreamHead) {
        self.stream = stream
        state = head.tombstoned ? .tombstoned : head.isSoftDeleted ? .softDeleted : .live
        version = head.liveVersion
        eventCount = head.liveEventCount
        lastTimestampNanoseconds = head.lastTimestamp
    }
}
