extension Log {
    /// The base (first position) of every segment, oldest first; the last one is active.
    /// Layers above use it to keep per-segment derived files beside the log's own.
    public func segmentBases() -> [LogPosition] {
        segmentSnapshot.map(\.base)
    }

    /// The base of the segment that holds (or will hold) `position`, or nil before the first.
    /// A segment is full, and will never change, once a later base exists.
    public func segmentBase(containing position: LogPosition) -> LogPosition? {
        tableMutex.withLock { Self.segmentIndex(containing: position, in: segments).map { segments[$0].base } }
    }
}
