extension Log {
    /// Checks every byte the store holds: each segment header, every record's checksum and
    /// layout, gapless positions within and across segments, and every position-index entry
    /// against the record it points at. Unlike open, which trusts full segments, this reads all.
    /// It reports problems rather than throwing, so one bad file does not hide the others.
    ///
    /// `progress` is called on the caller's thread after each segment with the
    /// report so far (its `bytesChecked` counts up towards the segments' total size).
    public func verify(progress: (VerifyReport) -> Void = { _ in }) -> VerifyReport {
        // No seal may swap or delete a segment's files while they are being checked.
        sealMutex.lock()
        defer { sealMutex.unlock() }
        var report = VerifyReport()
        let table = segmentSnapshot
        var expected = LogPosition.first
        for (number, segment) in table.enumerated() {
            let end = number + 1 < table.count ? table[number + 1].base : nextPosition
            report.segmentsChecked += 1
            if segment.base != expected {
                report.add(segment.fileName, 0, "segment starts at position \(segment.base), expected \(expected)")
            }
            expected = segment.base
            do throws(LogError) {
                if let sealed = segment as? SealedSegment {
                    verify(sealed, through: end, expected: &expected, into: &report)
                } else if let raw = segment as? Segment {
                    try verify(raw, through: end, isActive: number == table.count - 1, expected: &expected, into: &report)
                }
            } catch {
                report.add(error, defaultFile: segment.fileName)
                expected = end
            }
            progress(report)
        }
        return report
    }

    /// A sealed segment's full check (FORMAT.md §6): `SealedSegment.verify` reads every block.
    private func verify(_ segment: SealedSegment, through end: LogPosition, expected: inout LogPosition, into report: inout VerifyReport) {
        for problem in segment.verify() { report.add(problem, defaultFile: segment.fileName) }
        report.recordsChecked += Int(segment.footer.recordCount)
        report.bytesChecked += segment.fileBytes
        if segment.endPosition != end {
            report.add(segment.fileName, nil, "sealed records end at position \(segment.endPosition.rawValue - 1), expected \(end.rawValue - 1)")
        }
        expected = end
    }

    private func verify(_ segment: Segment, through end: LogPosition, isActive: Bool, expected: inout LogPosition, into report: inout VerifyReport) throws(LogError) {
        try SegmentHeader.check(segment.file, name: segment.fileName, base: segment.base)
        let (dataEnd, _) = segment.committed
        var offsets: [LogPosition: UInt64] = [:]
        let index = segment.indexSnapshot
        var wanted: Set<UInt64> = []
        for slot in 0..<index.count { wanted.insert(UInt64(index[slot].relativePosition)) }
        var position = expected
        let scanner = SegmentScanner(file: segment.file, fileName: segment.fileName)
        let outcome = try scanner.scan(from: UInt64(Format.segmentHeaderBytes)) { (view, offset) throws(LogError) in
            guard view.position < end else { return }
            if view.position != position {
                throw .corruption("expected position \(position), found \(view.position)", file: segment.fileName, offset: offset)
            }
            if wanted.contains(view.position.rawValue - segment.base.rawValue) { offsets[view.position] = offset }
            position = position.advanced(by: 1)
        }
        report.recordsChecked += Int(position.rawValue - expected.rawValue)
        report.bytesChecked += min(outcome.stopOffset, dataEnd)
        if position != end {
            report.add(segment.fileName, outcome.stopOffset,
                       "records end at position \(position.rawValue - 1), expected \(end.rawValue - 1) (\(outcome.stop))")
        }
        if outcome.stopOffset < dataEnd {
            report.add(segment.fileName, outcome.stopOffset, "bad bytes inside committed data (\(outcome.stop))")
        }
        verifyIndex(index, of: segment, isActive: isActive, offsets: offsets, into: &report)
        expected = end
    }

    /// Checks the index in use and the `.pidx` file: every entry points at its record, entries
    /// strictly increase (a repeated entry is a defect), every slot of the file passes its
    /// checksum and equals the entry in use, and a full segment's file holds all its entries
    /// (the active one's file may lag: it only receives entries of synced records; read-only,
    /// it may also lead the durable end that was published).
    private func verifyIndex(_ index: PositionIndex, of segment: Segment, isActive: Bool, offsets: [LogPosition: UInt64], into report: inout VerifyReport) {
        let name = SegmentFileName(base: segment.base, kind: .positionIndex).description
        for slot in 0..<index.count {
            let entry = index[slot]
            report.indexEntriesChecked += 1
            let position = segment.base.advanced(by: UInt64(entry.relativePosition))
            if offsets[position] != UInt64(entry.offset) {
                report.add(name, PositionIndexFile.entryOffset(slot),
                           "entry for position \(position) points at offset \(entry.offset), but the record is at \(offsets[position].map(String.init) ?? "no offset")")
            }
            if slot > 0, !Self.follows(index[slot - 1], entry) {
                report.add(name, PositionIndexFile.entryOffset(slot), "index entry in use does not strictly follow the one before")
            }
        }
        let path = joinPath(directory, name)
        guard fileSystem.exists(path) else {
            report.add(name, nil, "index file is missing")
            return
        }
        guard let onDisk = PositionIndexFile.readAllSlots(fileSystem, path: path, base: segment.base) else {
            report.add(name, 0, "index header is bad")
            return
        }
        // A read-only log's active index ends at the durable end the writer published; the
        // writer may already have added entries of records it synced since (or died between
        // writing them and publishing), so only the slots in use are compared.
        let slots = isActive && mode == .readOnly ? Array(onDisk.slots.prefix(index.count)) : onDisk.slots
        if let problem = Self.firstDefect(slots, inUse: index) {
            report.add(name, PositionIndexFile.entryOffset(problem.slot), problem.message)
        } else if !isActive && onDisk.slots.count != index.count {
            report.add(name, PositionIndexFile.entryOffset(onDisk.slots.count), "index file holds \(onDisk.slots.count) entries, the segment calls for \(index.count)")
        }
        if !isActive && onDisk.trailingBytes != 0 {
            report.add(name, PositionIndexFile.entryOffset(onDisk.slots.count), "index file ends inside an entry")
        }
    }

    private static func follows(_ previous: PositionIndexEntry, _ entry: PositionIndexEntry) -> Bool {
        previous.relativePosition < entry.relativePosition && previous.offset < entry.offset
    }

    /// The first slot of an index file that fails its checksum, repeats or goes back, or
    /// differs from the index in use.
    private static func firstDefect(_ slots: [PositionIndexEntry?], inUse index: PositionIndex) -> (slot: Int, message: String)? {
        for (slot, entry) in slots.enumerated() {
            guard let entry else { return (slot, "index file entry fails its checksum") }
            if slot > 0, let previous = slots[slot - 1], !follows(previous, entry) {
                return (slot, "index file entry (position +\(entry.relativePosition), offset \(entry.offset)) does not strictly follow the one before: repeated or out of order")
            }
            if slot >= index.count || index[slot] != entry { return (slot, "index file entry differs from the index in use") }
        }
        return nil
    }
}
