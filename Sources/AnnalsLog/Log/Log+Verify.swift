extension Log {
    /// Checks every byte the store holds: each segment header, every record's checksum and
    /// layout, gapless positions within and across segments, and every position-index entry
    /// against the record it points at. Unlike open, which trusts full segments, this reads all.
    /// It reports problems rather than throwing, so one bad file does not hide the others.
    public func verify() -> VerifyReport {
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
                    try verify(raw, through: end, expected: &expected, into: &report)
                }
            } catch {
                report.add(error, defaultFile: segment.fileName)
                expected = end
            }
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

    private func verify(_ segment: Segment, through end: LogPosition, expected: inout LogPosition, into report: inout VerifyReport) throws(LogError) {
        try LogRecovery(directory: directory, options: options, blockCache: blockCache).checkHeader(segment.file, name: segment.fileName, base: segment.base)
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
        verifyIndex(index, of: segment, offsets: offsets, into: &report)
        expected = end
    }

    private func verifyIndex(_ index: PositionIndex, of segment: Segment, offsets: [LogPosition: UInt64], into report: inout VerifyReport) {
        let name = SegmentFileName(base: segment.base, kind: .positionIndex).description
        for slot in 0..<index.count {
            let entry = index[slot]
            report.indexEntriesChecked += 1
            let position = segment.base.advanced(by: UInt64(entry.relativePosition))
            if offsets[position] != UInt64(entry.offset) {
                report.add(name, PositionIndexFile.entryOffset(slot),
                           "entry for position \(position) points at offset \(entry.offset), but the record is at \(offsets[position].map(String.init) ?? "no offset")")
            }
        }
        guard let path = Optional(joinPath(directory, name)), fileSystem.exists(path) else {
            report.add(name, nil, "index file is missing")
            return
        }
        guard let onDisk = PositionIndexFile.readValidPrefix(fileSystem, path: path, base: segment.base) else {
            report.add(name, 0, "index header is bad")
            return
        }
        for (slot, entry) in onDisk.entries.enumerated() where slot >= index.count || index[slot] != entry {
            report.add(name, PositionIndexFile.entryOffset(slot), "index file entry differs from the index in use")
            break
        }
    }
}
