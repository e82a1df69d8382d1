extension Log {
    /// Calls `body` with the committed record at each of `positions` (strictly ascending), in
    /// that order, until `body` returns false. A position past the committed end ends the read.
    /// The view borrows a read buffer: copy what you need before returning. Returns the count
    /// passed.
    ///
    /// One call resolves the segment table once and, in a raw segment, serves positions that
    /// share a cached block from one lookup: a stream's events, scattered over the log, cost a
    /// block-cache probe each rather than a whole read each.
    @discardableResult
    public func forEachRecord(
        at positions: [LogPosition], _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int {
        try checkReadable()
        let end = nextPosition
        let table = segmentSnapshot
        var passed = 0
        var first = 0
        while first < positions.count {
            let position = positions[first]
            precondition(first == 0 || positions[first - 1] < position, "positions must strictly ascend")
            guard position >= .first, position < end, let index = Self.segmentIndex(containing: position, in: table) else { break }
            // The run of positions inside this segment.
            let segmentEnd = index + 1 < table.count ? table[index + 1].base : end
            var last = first + 1
            while last < positions.count, positions[last] < segmentEnd { last += 1 }
            var keepGoing = true
            let run = positions[first..<last]
            let count = try table[index].forEachRecord(at: run, through: LogPosition(end.rawValue - 1)) { (view) throws(LogError) -> Bool in
                keepGoing = try body(view)
                return keepGoing
            }
            passed += count
            guard keepGoing, count == run.count else { break }
            first = last
        }
        return passed
    }
}

extension SegmentSource {
    /// The records at `positions` (ascending, all in this segment), one read each: the default
    /// of `forEachRecord(at:through:_:)`, and what a raw segment does without a block cache.
    func forEachRecord(
        at positions: ArraySlice<LogPosition>, through last: LogPosition, _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int {
        try forEachRecordOneByOne(at: positions, through: last, body)
    }

    func forEachRecordOneByOne(
        at positions: ArraySlice<LogPosition>, through last: LogPosition, _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int {
        var passed = 0
        for position in positions {
            var keepGoing = true
            let count = try forEachRecord(from: position, limit: 1, through: last) { (view) throws(LogError) -> Bool in
                keepGoing = try body(view)
                return false
            }
            guard count == 1 else { break }
            passed += 1
            guard keepGoing else { break }
        }
        return passed
    }
}
