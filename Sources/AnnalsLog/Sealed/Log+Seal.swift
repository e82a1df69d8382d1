import Logging
import Synchronization
/// What sealing one segment did.
public struct SealReport: Sendable, Equatable {
    /// The sealed segment's first position.
    public var base: LogPosition
    /// The sealed file's name.
    public var fileName: String
    /// Records in the segment.
    public var records: UInt64
    /// Bytes of the raw segment file it replaced.
    public var rawFileBytes: UInt64
    /// Bytes of the sealed file.
    public var sealedFileBytes: UInt64
}

extension Log {
    /// Seals every full raw segment (all but the active one), oldest first, calling `progress`
    /// after each. Each seal is atomic (FORMAT.md §6): the sealed file is written, synced,
    /// verified and renamed into place, readers switch to it, and only then is the raw
    /// segment deleted. Safe to call while appends and reads go on; waits for a background
    /// seal in progress. Fails with `.closed` if the log closes meanwhile.
    @discardableResult
    public func sealFullSegments(progress: ((SealReport) -> Void)? = nil) throws(LogError) -> [SealReport] {
        try checkReadable()
        try checkWritable("seal segments")
        sealMutex.lock()
        defer { sealMutex.unlock() }
        var reports: [SealReport] = []
        while let raw = nextSealable() {
            try checkReadable()
            let started = metrics == nil ? 0 : monotonicNanoseconds()
            let report = try seal(raw)
            if let metrics { metrics.noteSeal(nanoseconds: monotonicNanoseconds() &- started) }
            reports.append(report)
            progress?(report)
        }
        return reports
    }

    /// The oldest raw segment that is full: any raw segment but the last in the table. A
    /// segment enters the table only after the one before it was synced and closed by a roll.
    private func nextSealable() -> Segment? {
        segmentSnapshot.dropLast().lazy.compactMap { $0 as? Segment }.first
    }

    private func seal(_ raw: Segment) throws(LogError) -> SealReport {
        let end = raw.endPosition
        let writer = SealedSegmentWriter(
            fileSystem: fileSystem, directory: directory, blockBytes: options.blockBytes,
            compressionLevel: options.sealCompressionLevel, sealedAt: options.clock(),
            shouldContinue: { [weak self] in self?.isOpenForReads.load(ordering: .acquiring) ?? false })
        let result = try writer.seal(raw: raw.file, rawName: raw.fileName, base: raw.base, end: end)
        let sealed = try SealedSegment.open(
            fileSystem: fileSystem, path: joinPath(directory, result.fileName), fileName: result.fileName, cache: blockCache)
        guard sealed.base == raw.base, sealed.endPosition == end else {
            sealed.close()
            throw .corruption("the sealed file does not cover \(raw.base)..<\(end)", file: result.fileName, offset: 0)
        }
        // The switch: from here readers get the sealed copy; readers that took the raw one
        // from an earlier snapshot keep reading it, and the last of them closes it.
        tableMutex.withLock {
            if let slot = segments.firstIndex(where: { $0.base == raw.base }) { segments[slot] = sealed }
        }
        raw.retire()
        try fileSystem.remove(joinPath(directory, raw.fileName))
        let index = joinPath(directory, SegmentFileName(base: raw.base, kind: .positionIndex).description)
        if fileSystem.exists(index) { try fileSystem.remove(index) }
        try fileSystem.syncDirectory(directory)
        logger.debug("sealed segment", metadata: ["file": "\(result.fileName)", "raw": "\(result.rawFileBytes)", "sealed": "\(result.sealedFileBytes)"])
        return SealReport(base: raw.base, fileName: result.fileName, records: result.records,
                          rawFileBytes: result.rawFileBytes, sealedFileBytes: result.sealedFileBytes)
    }

    /// Called by `close` once reads are refused: no seal starts after this, and the one in
    /// progress (which polls between blocks) has given up when it returns.
    func stopSealing() {
        sealer?.stop()
        sealMutex.withLock {}
    }
}
