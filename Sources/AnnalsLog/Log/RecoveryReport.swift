/// What opening a store found and did. Recovery never drops data silently: every truncation,
/// removal and rebuild is listed here (and logged).
public struct RecoveryReport: Sendable, Equatable {
    /// True when the store was closed cleanly last time, so no tail scan was needed.
    public var cleanShutdown = false
    /// Segments found on open.
    public var segments = 0
    /// Records found valid in the scanned tail of the active segment.
    public var recordsRecovered = 0
    /// Bytes of the scanned tail: those after the last record the position index vouches for,
    /// which recovery had to check record by record. 0 after a clean close, which gives the
    /// last record an index entry.
    public var bytesScanned: UInt64 = 0
    /// Bytes cut from the end of the active segment: a torn write or an incomplete batch.
    public var bytesDropped: UInt64 = 0
    /// Whole records dropped because the batch they belonged to was incomplete.
    public var recordsDropped = 0
    /// Where the dropped tail started, as "file at offset", if anything was dropped.
    public var droppedFrom: String?
    /// Index files rebuilt from their segments, by name.
    public var indexesRebuilt: [String] = []
    /// Leftover files removed: temporary files, orphaned indexes, an empty segment of an interrupted roll.
    public var filesRemoved: [String] = []
    /// The position the next append gets.
    public var nextPosition = LogPosition.first

    /// An empty report, before recovery.
    public init() {}

    /// True when recovery changed nothing on disk.
    public var isClean: Bool {
        bytesDropped == 0 && indexesRebuilt.isEmpty && filesRemoved.isEmpty
    }
}
