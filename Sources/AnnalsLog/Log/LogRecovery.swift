/// Opening a store: take the lock, clean up leftovers, load the full segments without
/// scanning them, and scan only the tail of the active segment that may not have been synced.
///
/// The recovery policy, rule by rule:
/// - Temporary files are leftovers of an interrupted atomic write: removed.
/// - An index without its segment is an orphan: removed. A missing or bad index is derived
///   data: rebuilt from its segment, and the rebuild is reported.
/// - A last segment whose header never fully reached the disk, with no records, is an
///   interrupted roll: removed, and the segment before it becomes active again.
/// - A sealed segment is loaded from its trailer, footer and block index, without a scan.
///   If its raw segment is still there (a crash between the seal's rename and the raw file's
///   deletion), the sealed copy is verified in full: trusted, it stays and the raw one goes;
///   otherwise it goes and the raw one is sealed again later (FORMAT.md §6).
/// - In the active segment, records after the last complete batch are a torn tail: cut off and
///   reported (a batch is atomic, so its leading records go with it).
/// - But bad bytes followed by a valid later record, or any bad record in a store that was
///   closed cleanly, are corruption: opening fails with an error naming file and offset, and
///   nothing is cut. Acknowledged data is never dropped silently.
struct LogRecovery {
    struct Result {
        var segments: [any SegmentSource]
        var writer: SegmentWriter
        var lock: any StorageLock
        var report: RecoveryReport
    }

    let directory: String
    let options: LogOptions
    let blockCache: BlockCache
    var fileSystem: any StorageFileSystem { options.fileSystem }

    func recover() throws(LogError) -> Result {
        try createDirectoryDurably()
        let lock = try fileSystem.lock(joinPath(directory, SegmentFileName.lockFile))
        do throws(LogError) {
            return try recoverLocked(lock: lock)
        } catch {
            lock.release()
            throw error
        }
    }

    private func recoverLocked(lock: any StorageLock) throws(LogError) -> Result {
        var report = RecoveryReport()
        let names = try fileSystem.list(directory)
        var logBases: [LogPosition] = []
        var indexBases: Set<LogPosition> = []
        var sealedBases: Set<LogPosition> = []
        for name in names {
            if SegmentFileName.isTemporary(name) {
                try removeLeftover(name, &report)
            } else if let parsed = SegmentFileName(parsing: name) {
                if parsed.kind == .log { logBases.append(parsed.base) }
                if parsed.kind == .positionIndex { indexBases.insert(parsed.base) }
                if parsed.kind == .sealed { sealedBases.insert(parsed.base) }
            }
        }
        logBases.sort()
        if let first = logBases.first, first < .first {
            throw .corruption("segment base \(first) is below the first position", file: SegmentFileName(base: first, kind: .log).description, offset: 0)
        }
        try resolveSealedPairs(&logBases, &sealedBases, &report)
        for base in indexBases where !logBases.contains(base) {
            try checkOrphanIndexHoldsNoRecords(base: base, sealed: sealedBases.contains(base))
            try removeLeftover(SegmentFileName(base: base, kind: .positionIndex).description, &report)
        }
        let clean = try readCleanShutdownMarker()
        report.cleanShutdown = clean != nil
        if try dropInterruptedRoll(&logBases, &report) {
            // The removed file may have been the only one: fall through to creating a store.
        }
        if let clean { try checkActiveSegmentExists(clean, logBases: logBases) }
        // Positions start at 1 and nothing is ever deleted, so the first segment must start
        // there: a store whose first segment is missing must not read as a shorter, valid log.
        if let first = (logBases + sealedBases).min(), first != .first {
            throw .corruption("the first segment starts at position \(first): the segments before it are missing",
                              file: SegmentFileName(base: first, kind: sealedBases.contains(first) ? .sealed : .log).description, offset: 0)
        }
        var segments = try openFullSegments(logBases: logBases, sealedBases: sealedBases, &report)
        let head = HeadFile.read(fileSystem, path: joinPath(directory, SegmentFileName.headFile))
        guard let activeBase = logBases.last, activeBase > (sealedBases.max() ?? .beforeFirst) else {
            // No raw segment after the sealed ones: start the active segment where they end.
            let last = segments.last
            if let head {
                try LostSegmentCheck(head: head, bases: Set(logBases).union(sealedBases)).check(recoveredNext: last?.endPosition ?? .first)
            }
            let lastTimestamp = (last as? SealedSegment)?.footer.lastTimestamp ?? 0
            let result = try createEmptyStore(
                lock: lock, report: report, segments: segments, base: last?.endPosition ?? .first, lastTimestamp: lastTimestamp)
            try removeCleanShutdownMarker(present: clean != nil)
            return result
        }
        let tail = ActiveSegmentRecovery(
            directory: directory, fileSystem: fileSystem, base: activeBase,
            clean: clean.flatMap { $0.activeBase == activeBase ? $0 : nil }, previous: segments.last)
        let (active, writer) = try tail.recover(&report)
        if let clean, writer.nextPosition != clean.nextPosition {
            active.close()
            throw .corruption("the store was closed cleanly at next position \(clean.nextPosition), but its records end before \(writer.nextPosition)",
                              file: active.fileName, offset: writer.dataEnd)
        }
        if let head {
            do throws(LogError) {
                try LostSegmentCheck(head: head, bases: Set(logBases).union(sealedBases)).check(recoveredNext: writer.nextPosition)
            } catch {
                active.close()
                throw error
            }
        }
        segments.append(active)
        report.segments = segments.count
        report.nextPosition = writer.nextPosition
        try removeCleanShutdownMarker(present: clean != nil)
        return Result(segments: segments, writer: writer, lock: lock, report: report)
    }

    /// Creates the store's directory if needed and makes it durable in its parent before any
    /// record goes into it: otherwise a power cut could take back a new store whose appends were
    /// acknowledged. Every directory this creates is synced in its parent; the store's own
    /// parent is synced on every open too, since someone else may have made the directory and
    /// never synced it (a directory fsync with nothing pending is cheap).
    private func createDirectoryDurably() throws(LogError) {
        var created: [String] = []
        var path = directory
        while !fileSystem.exists(path) {
            created.append(path)
            let parent = parentDirectory(of: path)
            if parent == path || parent == "." { break }
            path = parent
        }
        try fileSystem.createDirectory(directory)
        var parents = created.map { parentDirectory(of: $0) }
        if created.isEmpty { parents.append(parentDirectory(of: directory)) }
        // Deepest first; the path is durable once every one of these syncs has returned.
        for parent in parents {
            precondition(fileSystem.exists(parent), "the parent of a created directory exists")
            try fileSystem.syncDirectory(parent)
        }
    }

    func removeLeftover(_ name: String, _ report: inout RecoveryReport) throws(LogError) {
        try fileSystem.remove(joinPath(directory, name))
        report.filesRemoved.append(name)
    }

    /// The `CLEAN` marker, if present and valid. A marker that fails its checksum is ignored
    /// (the store is then recovered as after a crash); one that passes it but whose fields
    /// contradict each other was written wrong, and is reported as corruption.
    private func readCleanShutdownMarker() throws(LogError) -> CleanShutdownMarker? {
        let path = joinPath(directory, SegmentFileName.cleanShutdownFile)
        guard fileSystem.exists(path), let file = try? fileSystem.open(path, writable: false) else { return nil }
        defer { file.close() }
        guard let bytes = try? file.readAll(), let marker = bytes.withUnsafeBytes({ CleanShutdownMarker.decode($0) }) else { return nil }
        guard marker.isConsistent else {
            throw .corruption("the clean-shutdown marker's fields contradict each other", file: SegmentFileName.cleanShutdownFile, offset: 0)
        }
        return marker
    }

    /// From here on the store is open for writing, so a crash must not look like a clean close.
    private func removeCleanShutdownMarker(present: Bool) throws(LogError) {
        let path = joinPath(directory, SegmentFileName.cleanShutdownFile)
        guard present || fileSystem.exists(path) else { return }
        try fileSystem.remove(path)
        try fileSystem.syncDirectory(directory)
    }

    /// After a clean close the `CLEAN` marker names the active segment: a store without it has
    /// lost that segment (and with it the records up to the marker's next position), whatever
    /// else is left, even nothing at all.
    private func checkActiveSegmentExists(_ clean: CleanShutdownMarker, logBases: [LogPosition]) throws(LogError) {
        guard logBases.last != clean.activeBase else { return }
        let name = SegmentFileName(base: clean.activeBase, kind: .log).description
        if logBases.contains(clean.activeBase) {
            throw .corruption("the store was closed cleanly with \(name) as its active segment, but segments follow it",
                              file: SegmentFileName(base: logBases.last!, kind: .log).description, offset: 0)
        }
        throw .corruption(
            "the store was closed cleanly with \(name) as its active segment, holding positions \(clean.activeBase) to \(clean.nextPosition.rawValue - 1), but \(name) is missing",
            file: name, offset: 0)
    }

    /// An index left without its raw segment is a leftover of a seal (the sealed copy exists)
    /// or of a segment creation that never got a record: its file then holds no entry, since
    /// entries are written only for synced records. An orphan index with entries and no sealed
    /// copy is the trace of a raw segment that held synced records and is gone.
    private func checkOrphanIndexHoldsNoRecords(base: LogPosition, sealed: Bool) throws(LogError) {
        guard !sealed else { return }
        let index = SegmentFileName(base: base, kind: .positionIndex).description
        guard let entries = PositionIndexFile.readValidPrefix(fileSystem, path: joinPath(directory, index), base: base)?.entries,
              let last = entries.last
        else { return }
        let name = SegmentFileName(base: base, kind: .log).description
        throw .corruption(
            "\(name) is missing, but its position index \(index) records synced records from position \(base) to at least \(base.advanced(by: UInt64(last.relativePosition)))",
            file: name, offset: 0)
    }

    /// Removes a last segment whose header is incomplete and that holds nothing else, left by
    /// a crash between creating the file and syncing its header. Returns true if it did.
    private func dropInterruptedRoll(_ bases: inout [LogPosition], _ report: inout RecoveryReport) throws(LogError) -> Bool {
        guard let last = bases.last else { return false }
        let name = SegmentFileName(base: last, kind: .log).description
        let file = try fileSystem.open(joinPath(directory, name), writable: false)
        defer { file.close() }
        let size = try file.size()
        guard size <= UInt64(Format.segmentHeaderBytes) else { return false }
        var header = [UInt8](repeating: 0, count: Int(size))
        _ = try header.withMutableBytes { (raw) throws(LogError) in try file.readFully(at: 0, into: raw) }
        let valid = size == UInt64(Format.segmentHeaderBytes)
            && (try? header.withBytes { (raw) throws(LogError) in try SegmentHeader.decode(raw, file: name) }) != nil
        guard !valid else { return false }
        try removeLeftover(name, &report)
        let index = SegmentFileName(base: last, kind: .positionIndex).description
        if fileSystem.exists(joinPath(directory, index)) { try removeLeftover(index, &report) }
        try fileSystem.syncDirectory(directory)
        bases.removeLast()
        return true
    }

    private func createEmptyStore(
        lock: any StorageLock, report: RecoveryReport, segments: [any SegmentSource], base: LogPosition, lastTimestamp: Int64
    ) throws(LogError) -> Result {
        var report = report
        let files: (log: any StorageFile, index: any StorageFile)
        do throws(WriterFailure) {
            files = try SegmentWriter.createSegmentFiles(
                fileSystem, directory: directory, base: base, capacity: UInt64(options.segmentBytes), createdAt: options.clock())
        } catch {
            throw error.error
        }
        let (log, index) = files
        let segment = Segment(
            base: base, fileName: SegmentFileName(base: base, kind: .log).description, file: log,
            index: PositionIndex(base: base), dataEnd: UInt64(Format.segmentHeaderBytes), nextPosition: base)
        let writer = SegmentWriter(
            directory: directory, fileSystem: fileSystem, segment: segment, indexFile: index,
            capacity: UInt64(options.segmentBytes), dataEnd: UInt64(Format.segmentHeaderBytes), nextPosition: base,
            lastTimestamp: lastTimestamp, indexEntries: [])
        report.segments = segments.count + 1
        report.nextPosition = base
        return Result(segments: segments + [segment], writer: writer, lock: lock, report: report)
    }

    /// Opens every segment but the active one (the last raw one, if it comes after all sealed
    /// ones), sealed or raw, in base order; each must end where the next begins.
    private func openFullSegments(
        logBases: [LogPosition], sealedBases: Set<LogPosition>, _ report: inout RecoveryReport
    ) throws(LogError) -> [any SegmentSource] {
        let active = logBases.last.flatMap { $0 > (sealedBases.max() ?? .beforeFirst) ? $0 : nil }
        let bases = (logBases.filter { $0 != active } + sealedBases).sorted()
        var segments: [any SegmentSource] = []
        for (index, base) in bases.enumerated() {
            let next = index + 1 < bases.count ? bases[index + 1] : active
            if sealedBases.contains(base) {
                segments.append(try openSealedSegment(base: base, next: next))
            } else {
                guard let next else { throw .corruption("a full raw segment has no successor", file: SegmentFileName(base: base, kind: .log).description, offset: 0) }
                segments.append(try openFullSegment(base: base, next: next, &report))
            }
        }
        return segments
    }

    /// A full segment is trusted without a scan: it was synced before the next one was made.
    /// Only its index is checked, and rebuilt if missing or bad.
    private func openFullSegment(base: LogPosition, next: LogPosition, _ report: inout RecoveryReport) throws(LogError) -> Segment {
        let name = SegmentFileName(base: base, kind: .log).description
        guard next > base else { throw .corruption("segment bases are not increasing", file: name, offset: 0) }
        let file = try fileSystem.open(joinPath(directory, name), writable: false)
        do throws(LogError) {
            try SegmentHeader.check(file, name: name, base: base)
            let indexPath = joinPath(directory, SegmentFileName(base: base, kind: .positionIndex).description)
            var index = PositionIndexFile.mapComplete(fileSystem, path: indexPath, base: base)
            if index == nil {
                let entries = try IndexRebuild.entries(of: file, fileName: name, base: base, through: next)
                try PositionIndexFile.writeComplete(fileSystem, directory: directory, base: base, entries: entries)
                report.indexesRebuilt.append(SegmentFileName(base: base, kind: .positionIndex).description)
                index = PositionIndexFile.mapComplete(fileSystem, path: indexPath, base: base) ?? PositionIndex(base: base, entries: entries)
            }
            try checkSegmentReaches(next, file: file, name: name, index: index!)
            return Segment(base: base, fileName: name, file: file, index: index!, dataEnd: try file.size(), nextPosition: next)
        } catch {
            file.close()
            throw error
        }
    }

    /// A full segment must end exactly where the next one begins; if it ends short, the
    /// segments between are missing. Only the records after its last index entry are read (at
    /// most one index interval). A scan stopped by bad bytes proves nothing about missing
    /// segments: that damage is left to reads and `verify`, which report it with its offset.
    private func checkSegmentReaches(_ next: LogPosition, file: any StorageFile, name: String, index: PositionIndex) throws(LogError) {
        guard let last = index.last else {
            throw .corruption("a full segment holds no index entry", file: name, offset: UInt64(Format.segmentHeaderBytes))
        }
        var lastPosition: LogPosition?
        let outcome = try SegmentScanner(file: file, fileName: name).scan(from: UInt64(last.offset)) { (view, _) throws(LogError) in
            lastPosition = view.position
        }
        guard outcome.stop == .endOfFile || outcome.stop == .endOfData, let lastPosition else { return }
        guard lastPosition.advanced(by: 1) != next else { return }
        let gap = lastPosition.advanced(by: 1) < next
            ? "positions \(lastPosition.rawValue + 1) to \(next.rawValue - 1) are missing (a segment was lost)"
            : "the segments overlap"
        throw .corruption("records end at position \(lastPosition), but the next segment starts at \(next): \(gap)",
                          file: name, offset: outcome.stopOffset)
    }
}
