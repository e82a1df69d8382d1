/// A segment as the log's segment table sees it: a raw `Segment` (the active one, or a full
/// one not sealed yet) or a `SealedSegment`. Readers walk the table through this alone, so a
/// seal can swap one kind for the other under the table lock without readers noticing.
protocol SegmentSource: AnyObject, Sendable {
    var base: LogPosition { get }
    /// The file's name inside the store directory, for errors.
    var fileName: String { get }
    /// The open file, for sizes and checks. Close it only through `close()`.
    var file: any StorageFile { get }
    /// The position after the last readable record.
    var endPosition: LogPosition { get }
    /// Calls `body` for each record from `position` on, in order, until `body` returns false,
    /// `limit` records were passed, `last` was passed, or the segment ends. Returns the count passed.
    @discardableResult
    func forEachRecord(
        from position: LogPosition, limit: Int, through last: LogPosition?,
        _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int
    /// Calls `body` for the record at each of `positions` (strictly ascending, all in this
    /// segment) until it returns false, a position is not committed, or `last` is passed.
    /// Returns the count passed.
    func forEachRecord(
        at positions: ArraySlice<LogPosition>, through last: LogPosition, _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int
    /// Closes the file. Called once, when the log closes.
    func close()
}

extension Segment: SegmentSource {
    var endPosition: LogPosition { committed.nextPosition }

    func close() { file.close() }
}
