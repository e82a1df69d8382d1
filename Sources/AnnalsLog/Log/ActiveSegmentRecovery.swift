/// Recovers the active (last) segment: finds where its trusted data ends, scans only what
/// follows, cuts a torn tail, and tells a torn tail from corruption (the rules are listed on
/// `LogRecovery`).
///
/// Trust comes from the position index: its file only ever receives entries of records that
/// were already synced, so the record at its last entry, and everything before it, is durable.
struct ActiveSegmentRecovery {
    let directory: String
    let fileSystem: any StorageFileSystem
    let base: LogPosition
    /// The clean-shutdown marker, if the last close was clean and left this segment active.
    let clean: CleanShutdownMarker?
    let previous: (any SegmentSource)?

    var name: String { SegmentFileName(base: base, kind: .log).description }
    var indexName: String { SegmentFileName(base: base, kind: .positionIndex).description }

    /// The result of scanning the tail.
    struct TailScan {
        var start: UInt64
        var outcome: SegmentScanner.Outcome
        /// Index entries the scanned records call for, after the trusted ones.
        var entries: [PositionIndexEntry]
        /// The last record of the last complete batch, if the scan found one.
        var lastKept: (position: LogPosition, timestamp: Int64)?
    }

    func recover(_ report: inout RecoveryReport) throws(LogError) -> (Segment, SegmentWriter) {
        let file = try fileSystem.open(joinPath(directory, name), writable: true)
        do throws(LogError) {
            return try recover(file, &report)
        } catch {
            file.close()
            throw error
        }
    }

    private func recover(_ file: any StorageFile, _ report: inout RecoveryReport) throws(LogError) -> (Segment, SegmentWriter) {
        let header = try readHeader(file)
        let fileSize = try file.size()
        let indexed = PositionIndexFile.readValidPrefix(fileSystem, path: joinPath(directory, indexName), base: base)
        var trusted = indexed?.entries ?? []
        // Trusted only if the index starts at the first record and its last entry still points
        // at a valid record with its position.
        let startsRight = trusted.first.map { $0.relativePosition == 0 && $0.offset == UInt32(Format.segmentHeaderBytes) } ?? true
        if !startsRight { trusted = [] }
        // Where the record at the last trusted entry ends: what follows is the unvouched tail.
        var trustedEnd = trusted.last == nil ? nil : try recordEnd(file, entry: trusted.last!, fileSize: fileSize)
        if trustedEnd == nil { trusted = [] }
        var distrusted = trusted.isEmpty && !(indexed?.entries.isEmpty ?? true)
        var scan = try scanTail(file, trusted: trusted)
        if scan.lastKept == nil && scan.start > UInt64(Format.segmentHeaderBytes) {
            // A trusted record must end a batch somewhere after it; since none does, the index
            // cannot be right. Fall back to scanning the whole segment.
            trusted = []
            trustedEnd = nil
            distrusted = true
            scan = try scanTail(file, trusted: [])
        }
        try classifyTail(file, scan: scan, fileSize: fileSize)
        let keptEnd = scan.outcome.lastBatchEndOffset
        precondition(keptEnd >= scan.start && keptEnd <= fileSize, "what recovery keeps lies between the scan's start and the end of the file")
        var mustSync = false
        if clean == nil && keptEnd > scan.start {
            try rewrite(file, from: scan.start, to: keptEnd)
            mustSync = true
        }
        if keptEnd < fileSize {
            report.bytesDropped = fileSize - keptEnd
            report.recordsDropped = scan.outcome.records - scan.outcome.recordsThroughLastBatchEnd
            report.droppedFrom = "\(name) at offset \(keptEnd)"
            try file.truncate(to: keptEnd)
            mustSync = true
        }
        let alignedEnd = UInt64(alignUp(Int(keptEnd), to: Format.recordAlignmentBytes))
        if alignedEnd > keptEnd {
            // The cut fell inside the last record's padding. Restore the zeros, so the next
            // record starts 8-byte aligned as the format requires (FORMAT.md §3).
            try file.write(at: keptEnd, [UInt8](repeating: 0, count: Int(alignedEnd - keptEnd)))
            mustSync = true
        }
        if mustSync { try file.sync() }
        report.recordsRecovered = scan.outcome.recordsThroughLastBatchEnd
        report.bytesScanned = fileSize - max(scan.start, min(trustedEnd ?? 0, fileSize))
        // The scan restarts at the last trusted entry, already noted (see `scanTail`).
        let entries = trusted + scan.entries.filter { UInt64($0.offset) < keptEnd }
        PositionIndexFile.checkStrictlyIncreasing(entries)
        if indexed == nil || distrusted || !indexed!.complete || indexed!.entries.count != entries.count {
            try PositionIndexFile.writeComplete(fileSystem, directory: directory, base: base, entries: entries)
            if indexed == nil || distrusted || indexed!.entries.count > entries.count { report.indexesRebuilt.append(indexName) }
        }
        let nextPosition = scan.lastKept.map { $0.position.advanced(by: 1) } ?? base
        precondition(alignedEnd - keptEnd < UInt64(Format.recordAlignmentBytes), "at most one record's padding is restored")
        precondition(nextPosition >= base && (nextPosition == base) == (alignedEnd == UInt64(Format.segmentHeaderBytes)),
                     "the segment holds records exactly when its data runs past the header")
        var lastTimestamp = scan.lastKept?.timestamp ?? 0
        if scan.lastKept == nil { lastTimestamp = try previousTimestamp() }
        let indexFile = try fileSystem.open(joinPath(directory, indexName), writable: true)
        let segment = Segment(base: base, fileName: name, file: file, index: PositionIndex(base: base, entries: entries),
                              dataEnd: alignedEnd, nextPosition: nextPosition)
        let writer = SegmentWriter(
            directory: directory, fileSystem: fileSystem, segment: segment, indexFile: indexFile,
            capacity: header.capacityBytes, dataEnd: alignedEnd, nextPosition: nextPosition, lastTimestamp: lastTimestamp,
            indexEntries: entries)
        return (segment, writer)
    }

    /// Writes the kept, scanned tail again, so that the sync after it surely covers it. The
    /// page cache can hold bytes that never reached the disk and never will: after a failed
    /// fsync, Linux marks the unwritten pages clean. Served as is, they could vanish in a later
    /// power loss and leave a hole under records acknowledged after this open.
    private func rewrite(_ file: any StorageFile, from start: UInt64, to end: UInt64) throws(LogError) {
        precondition(start < end, "nothing to rewrite")
        var chunk = [UInt8](repeating: 0, count: Int(min(end - start, UInt64(SegmentScanner.chunkBytes))))
        var offset = start
        while offset < end {
            let count = Int(min(end - offset, UInt64(chunk.count)))
            if count < chunk.count { chunk.removeLast(chunk.count - count) }
            try chunk.withMutableBytes { (raw) throws(LogError) in try file.readExactly(at: offset, into: raw, file: name) }
            try file.write(at: offset, chunk)
            offset += UInt64(count)
        }
    }

    private func readHeader(_ file: any StorageFile) throws(LogError) -> SegmentHeader {
        var bytes = [UInt8](repeating: 0, count: Format.segmentHeaderBytes)
        try bytes.withMutableBytes { (raw) throws(LogError) in try file.readExactly(at: 0, into: raw, file: name) }
        let header = try bytes.withBytes { (raw) throws(LogError) in try SegmentHeader.decode(raw, file: name) }
        guard header.basePosition == base else {
            throw .corruption("header says base \(header.basePosition) but the file name says \(base)", file: name, offset: 8)
        }
        return header
    }

    /// Where the record at the entry's offset ends, if a valid record with the entry's position
    /// starts there; nil otherwise.
    private func recordEnd(_ file: any StorageFile, entry: PositionIndexEntry, fileSize: UInt64) throws(LogError) -> UInt64? {
        let offset = UInt64(entry.offset)
        guard offset >= UInt64(Format.segmentHeaderBytes), offset + UInt64(Format.recordHeaderBytes) <= fileSize else { return nil }
        var expected = base.advanced(by: UInt64(entry.relativePosition))
        var matched = false
        var scanner = SegmentScanner(file: file, fileName: name)
        scanner.stopAfterFirst = true
        let outcome = try scanner.scan(from: offset) { (view, _) throws(LogError) in
            matched = view.position == expected
            expected = .beforeFirst
        }
        return matched ? outcome.stopOffset : nil
    }

    private func scanTail(_ file: any StorageFile, trusted: [PositionIndexEntry]) throws(LogError) -> TailScan {
        let start = trusted.last.map { UInt64($0.offset) } ?? UInt64(Format.segmentHeaderBytes)
        // Seeded with every trusted entry, the last included: a clean close gives the last
        // record an entry of its own (`SegmentWriter.close`), off the interval grid, which
        // re-noting it from the entry before could not reproduce.
        var builder = PositionIndexFile.Builder(existing: trusted)
        let alreadyIndexed = builder.entries.count
        var expected = trusted.last.map { base.advanced(by: UInt64($0.relativePosition)) } ?? base
        var lastKept: (LogPosition, Int64)?
        var lastSeen: (LogPosition, Int64)?
        var misnumbered = false
        let scanner = SegmentScanner(file: file, fileName: name)
        let outcome = try scanner.scan(from: start) { (view, offset) throws(LogError) in
            guard view.position == expected, !misnumbered else {
                misnumbered = true
                throw .corruption("expected position \(expected), found \(view.position)", file: name, offset: offset)
            }
            if offset != start || trusted.isEmpty {
                builder.note(relativePosition: UInt32(view.position.rawValue - base.rawValue), offset: offset)
            }
            lastSeen = (view.position, view.timestamp)
            if view.endsBatch { lastKept = lastSeen }
            expected = expected.advanced(by: 1)
        }
        return TailScan(start: start, outcome: outcome, entries: Array(builder.entries[alreadyIndexed...]), lastKept: lastKept)
    }

    /// Throws `.corruption` unless everything after the last complete batch is a torn tail or
    /// the end of data. Zeros are no proof of the end: a page lost to a failed fsync or a lost
    /// write reads as zeros, so zeros followed by any valid later record are corruption, exactly
    /// as bad bytes are (FORMAT.md §3 "End of data").
    private func classifyTail(_ file: any StorageFile, scan: TailScan, fileSize: UInt64) throws(LogError) {
        let outcome = scan.outcome
        let badBytes: Bool
        switch outcome.stop {
        case .endOfFile, .endOfData: badBytes = false
        case .truncated, .invalid: badBytes = true
        }
        if let clean, badBytes || outcome.lastBatchEndOffset < clean.activeEndOffset {
            throw .corruption(
                "the store was closed cleanly with data to offset \(clean.activeEndOffset), but the records break at offset \(outcome.stopOffset) (\(outcome.stop))",
                file: name, offset: outcome.stopOffset)
        }
        guard outcome.stop != .endOfFile else { return }
        precondition(outcome.stopOffset < fileSize, "a scan that stopped before the end of the file stopped inside it")
        let after = outcome.lastPosition ?? LogPosition(base.rawValue - 1)
        let follower = try SegmentScanner(file: file, fileName: name)
            .validRecordFollows(from: outcome.stopOffset + UInt64(Format.recordAlignmentBytes), after: after)
        guard follower.found else { return }
        precondition(follower.offset > outcome.stopOffset, "a follower lies after the stop")
        if badBytes {
            throw .corruption(
                "bad record (\(outcome.stop)) followed by a valid record at offset \(follower.offset): not a torn tail",
                file: name, offset: outcome.stopOffset)
        }
        throw .corruption(
            "zeros from offset \(outcome.stopOffset) followed by a valid record at offset \(follower.offset): acknowledged records after a lost region, not the end of data",
            file: name, offset: outcome.stopOffset)
    }

    /// The timestamp of the record just before this segment, read from the previous segment,
    /// which must end exactly at `base - 1`.
    private func previousTimestamp() throws(LogError) -> Int64 {
        guard let previous else { return 0 }
        let last = LogPosition(base.rawValue - 1)
        var timestamp: Int64?
        try previous.forEachRecord(from: last, limit: 1, through: nil) { (view) throws(LogError) -> Bool in
            timestamp = view.timestamp
            return false
        }
        guard let timestamp else {
            throw .corruption("the segment before \(name) does not end at position \(last)", file: previous.fileName, offset: 0)
        }
        return timestamp
    }
}
