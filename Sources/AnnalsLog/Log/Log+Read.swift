import Synchronization

/// Which way a read walks the log.
public enum ReadDirection: Sendable {
    /// Oldest first: increasing positions or versions.
    case forward
    /// Newest first: decreasing positions or versions.
    case backward
}

extension Log {
    /// Calls `body` with each committed record from `position` on, in position order, until
    /// `body` returns false or `limit` records were passed. The view borrows a read buffer:
    /// copy what you need (`materialize()`) before returning. Returns the count passed.
    @discardableResult
    public func forEachRecord(
        from position: LogPosition, limit: Int = .max, _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int {
        try checkReadable()
        let end = nextPosition
        var cursor = max(position, .first)
        var passed = 0
        var keepGoing = true
        let table = segmentSnapshot
        var segmentIndex = Self.segmentIndex(containing: cursor, in: table)
        while keepGoing, passed < limit, cursor < end, let index = segmentIndex, index < table.count {
            let count = try table[index].forEachRecord(
                from: cursor, limit: limit - passed, through: LogPosition(end.rawValue - 1)
            ) { (view) throws(LogError) -> Bool in
                keepGoing = try body(view)
                return keepGoing
            }
            passed += count
            cursor = index + 1 < table.count ? table[index + 1].base : end
            segmentIndex = index + 1
        }
        return passed
    }

    /// Reads up to `limit` committed records starting at `position`: forward in position order,
    /// or backward (from `position` down, newest first).
    public func read(from position: LogPosition, limit: Int, direction: ReadDirection = .forward) throws(LogError) -> [LogRecord] {
        guard limit > 0 else { return [] }
        var records: [LogRecord] = []
        switch direction {
        case .forward:
            records.reserveCapacity(min(limit, 4096))
            try forEachRecord(from: position, limit: limit) { view in
                records.append(view.materialize())
                return true
            }
        case .backward:
            // Positions are gapless, so the newest `limit` records at or before `position`
            // are exactly the range that ends there.
            guard let last = lastPosition, position >= .first else { return [] }
            let top = min(position, last)
            let bottom = top.rawValue >= UInt64(limit) ? LogPosition(top.rawValue - UInt64(limit) + 1) : .first
            try forEachRecord(from: bottom, limit: Int(top.rawValue - bottom.rawValue + 1)) { view in
                records.append(view.materialize())
                return true
            }
            records.reverse()
        }
        return records
    }

    /// The committed record at `position`, or nil if there is none yet.
    public func record(at position: LogPosition) throws(LogError) -> LogRecord? {
        try read(from: position, limit: 1).first.flatMap { $0.position == position ? $0 : nil }
    }

    func checkReadable() throws(LogError) {
        guard isOpenForReads.load(ordering: .acquiring) else { throw LogError(.closed, "the log is closed") }
    }

    /// The index of the segment holding `position` in a table sorted by base.
    static func segmentIndex(containing position: LogPosition, in table: [any SegmentSource]) -> Int? {
        var low = 0
        var high = table.count  // entries before `low` have base <= position
        while low < high {
            let middle = (low + high) / 2
            if table[middle].base <= position { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }
}
