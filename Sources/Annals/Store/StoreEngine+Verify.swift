import AnnalsLog

extension StoreEngine {
    /// Checks every full segment's derived index files (`.sidx`, `.eidx`, `.tidx`, `.qidx`)
    /// byte for byte against a rebuild from the segment's records: the encoding is
    /// deterministic, so a file that differs is damaged (a failed checksum, which the writer's
    /// next open rebuilds) or wrong although its checksums hold (which nothing else would catch).
    /// A missing file is no problem: it is derived, and the writer writes or rebuilds it.
    ///
    /// Full segments are immutable, so this runs beside a writer. `progress` is called after
    /// each segment with the problems found so far.
    func verifyDerivedIndexes(into report: inout VerifyReport, progress: (VerifyReport) -> Void = { _ in }) {
        let bases = log.segmentBases()
        for (offset, base) in bases.dropLast().enumerated() {
            let end = bases[offset + 1]
            let rebuilt: OpenSegmentIndex
            do { rebuilt = try indexOfRecords(from: base, to: end) } catch {
                report.problems.append(.init(file: error.file ?? SegmentFileName(base: base, kind: .log).description, offset: error.offset,
                                             message: "cannot rebuild the stream-layer indexes to check them: \(error.message)"))
                continue
            }
            for (kind, expected) in rebuilt.encodeFiles(end: end, hash: hash).sorted(by: { $0.key.fileName(base: base) < $1.key.fileName(base: base) }) {
                let name = kind.fileName(base: base)
                guard let stored = StoreFiles.readAll(fileSystem, StoreFiles.path(directory, name)) else { continue }
                report.indexEntriesChecked += (expected.count - DerivedIndexFile.headerBytes) / (kind.fieldsPerEntry * 8)
                guard stored != expected else { continue }
                let intact = MappedDerivedIndex(region: .copying(stored), kind: kind, base: base, end: end, hashKind: kind.isHashed ? hash.kind : 0) != nil
                let at = (0..<min(stored.count, expected.count)).first { stored[$0] != expected[$0] } ?? min(stored.count, expected.count)
                report.problems.append(.init(
                    file: name, offset: UInt64(at),
                    message: intact
                        ? "the index's checksums hold but it disagrees with the segment's records (delete it: the writer's next open rebuilds it)"
                        : "the index fails its checks (the writer's next open rebuilds it from the segment's records)"))
            }
            progress(report)
        }
    }

    /// The index a writer keeps for `[base, end)`, built from the records alone (ids included,
    /// as the writer writes them, whatever this engine's mode).
    private func indexOfRecords(from base: LogPosition, to end: LogPosition) throws(LogError) -> OpenSegmentIndex {
        var index = OpenSegmentIndex(base: base, expectedRecords: Int(end.rawValue - base.rawValue))
        var count = 0
        try log.forEachRecord(from: base, limit: Int(end.rawValue - base.rawValue)) { view in
            let record = IndexedRecord(view)
            index.note(record)
            if index.wantsTimeEntry(record.position) { index.noteTime(record.timestamp, at: record.position) }
            count += 1
            return true
        }
        guard count == Int(end.rawValue - base.rawValue) else {
            throw LogError(.corruption, "segment \(base) should hold \(end.rawValue - base.rawValue) records but \(count) were read",
                           file: SegmentFileName(base: base, kind: .log).description, offset: 0)
        }
        return index
    }
}
