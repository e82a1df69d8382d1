import Logging
extension LogRecovery {
    /// Settles every base that has both a raw and a sealed file: a seal was interrupted
    /// between its rename and the raw file's deletion. The sealed copy must pass the full
    /// check against its footer, and cover exactly what the raw segment's successor implies,
    /// to be trusted; then the raw copy (and its index) is deleted (its index too, as an orphan). Otherwise the sealed copy is
    /// deleted and the raw one is sealed again later. Either way one valid copy remains.
    func resolveSealedPairs(
        _ logBases: inout [LogPosition], _ sealedBases: inout Set<LogPosition>, _ report: inout RecoveryReport
    ) throws(LogError) {
        let both = logBases.filter { sealedBases.contains($0) }
        guard !both.isEmpty else { return }
        for base in both {
            let sealedName = SegmentFileName(base: base, kind: .sealed).description
            let problems = SealedSegment.verify(fileSystem: fileSystem, path: joinPath(directory, sealedName), fileName: sealedName)
            if problems.isEmpty, try sealedFooterBase(sealedName) == base {
                // Its `.pidx`, now an orphan, goes with the other orphaned indexes.
                try removeLeftover(SegmentFileName(base: base, kind: .log).description, &report)
                logBases.removeAll { $0 == base }
            } else {
                options.logger.warning("sealed copy failed verification; keeping the raw segment",
                                       metadata: ["file": "\(sealedName)", "problem": "\(problems.first.map { "\($0)" } ?? "base mismatch")"])
                try removeLeftover(sealedName, &report)
                sealedBases.remove(base)
            }
        }
        try fileSystem.syncDirectory(directory)
    }

    private func sealedFooterBase(_ name: String) throws(LogError) -> LogPosition {
        let segment = try SealedSegment.open(fileSystem: fileSystem, path: joinPath(directory, name), fileName: name, cache: nil)
        defer { segment.close() }
        return segment.base
    }

    /// Opens a sealed segment from its footer and index alone (no block is read) and checks
    /// it holds exactly `base..<next` when a segment follows it.
    func openSealedSegment(base: LogPosition, next: LogPosition?) throws(LogError) -> SealedSegment {
        let name = SegmentFileName(base: base, kind: .sealed).description
        let segment = try SealedSegment.open(fileSystem: fileSystem, path: joinPath(directory, name), fileName: name, cache: blockCache)
        guard segment.base == base else {
            segment.close()
            throw .corruption("footer says base \(segment.base) but the file name says \(base)", file: name, offset: segment.footer.blockIndexOffset + UInt64(segment.footer.blockIndexBytes))
        }
        if let next, segment.endPosition != next {
            segment.close()
            throw .corruption("sealed segment ends before \(segment.endPosition), the next segment starts at \(next)", file: name, offset: segment.footer.blockIndexOffset + UInt64(segment.footer.blockIndexBytes))
        }
        return segment
    }
}
