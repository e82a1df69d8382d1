/// Opening segments for a read-only log: the writer's files, read as they are, never
/// repaired or rebuilt on disk. A missing or bad position index is rebuilt in memory only.
///
/// The writer may seal a full segment at any moment: the sealed file appears (complete, by an
/// atomic rename) before the raw one is deleted. So a raw file that vanished between listing
/// and opening is `.vanished`, and the caller lists again to find its sealed copy.
struct ReadOnlySegments {
    let directory: String
    let fileSystem: any StorageFileSystem
    let blockCache: BlockCache

    enum Failure: Error {
        /// A file disappeared under us (a seal or the writer's recovery): list again.
        case vanished
        case failed(LogError)
    }

    /// The bases of the raw and sealed segment files in the directory.
    func list() throws(LogError) -> (raw: Set<LogPosition>, sealed: Set<LogPosition>) {
        var raw: Set<LogPosition> = [], sealed: Set<LogPosition> = []
        for name in try fileSystem.list(directory) {
            guard let parsed = SegmentFileName(parsing: name) else { continue }
            if parsed.kind == .log { raw.insert(parsed.base) }
            if parsed.kind == .sealed { sealed.insert(parsed.base) }
        }
        return (raw, sealed)
    }

    /// Opens the full segment holding exactly `base..<next`: its raw file when present (it was
    /// synced and closed by a roll), else its sealed copy.
    func openFull(base: LogPosition, next: LogPosition, raw: Bool) throws(Failure) -> any SegmentSource {
        raw ? try openFullRaw(base: base, next: next) : try openSealed(base: base, next: next)
    }

    private func openFullRaw(base: LogPosition, next: LogPosition) throws(Failure) -> Segment {
        let name = SegmentFileName(base: base, kind: .log).description
        let file = try openExisting(name)
        do throws(LogError) {
            try SegmentHeader.check(file, name: name, base: base)
            let indexPath = joinPath(directory, SegmentFileName(base: base, kind: .positionIndex).description)
            var index = PositionIndexFile.mapComplete(fileSystem, path: indexPath, base: base)
            if index == nil { index = PositionIndex(base: base, entries: try IndexRebuild.entries(of: file, fileName: name, base: base, through: next)) }
            let segment = Segment(base: base, fileName: name, file: file, index: index!, dataEnd: try file.size(), nextPosition: next)
            segment.attach(cache: blockCache)
            return segment
        } catch {
            file.close()
            throw .failed(error)
        }
    }

    private func openSealed(base: LogPosition, next: LogPosition) throws(Failure) -> SealedSegment {
        let name = SegmentFileName(base: base, kind: .sealed).description
        let path = joinPath(directory, name)
        guard fileSystem.exists(path) else { throw .vanished }
        let segment: SealedSegment
        do { segment = try SealedSegment.open(fileSystem: fileSystem, path: path, fileName: name, cache: blockCache) } catch {
            throw fileSystem.exists(path) ? .failed(error) : .vanished
        }
        guard segment.base == base, segment.endPosition == next else {
            segment.close()
            throw .failed(.corruption("sealed segment holds \(segment.base)..<\(segment.endPosition), expected \(base)..<\(next)", file: name, offset: 0))
        }
        return segment
    }

    /// Opens the active segment up to the durable end `head` names, with the index entries of
    /// the writer's `.pidx` that fall inside it (the writer writes entries of synced records only).
    func openActive(_ head: DurableHead) throws(Failure) -> Segment {
        let base = head.activeBase
        let name = SegmentFileName(base: base, kind: .log).description
        let file = try openExisting(name)
        do throws(LogError) {
            try SegmentHeader.check(file, name: name, base: base)
            let segment = Segment(base: base, fileName: name, file: file, index: PositionIndex(base: base),
                                  dataEnd: UInt64(Format.segmentHeaderBytes), nextPosition: base)
            segment.attach(cache: blockCache)
            try extend(segment, to: head)
            return segment
        } catch {
            file.close()
            throw .failed(error)
        }
    }

    /// Moves the active segment's readable end to `head`'s durable end, adding the new index
    /// entries of the writer's `.pidx` that lie before it.
    func extend(_ segment: Segment, to head: DurableHead) throws(LogError) {
        precondition(segment.base == head.activeBase, "only the active segment grows")
        let index = segment.indexSnapshot
        let limit = head.durableNext.rawValue - segment.base.rawValue
        let entries = newIndexEntries(of: segment.base, after: index.count, last: index.last).prefix {
            UInt64($0.offset) < head.activeDurableEnd && UInt64($0.relativePosition) < limit
        }
        let (end, next) = segment.committed
        guard head.activeDurableEnd >= end, head.durableNext >= next else {
            throw .corruption("the writer's durable end went back from position \(next) to \(head.durableNext)", file: segment.fileName, offset: head.activeDurableEnd)
        }
        segment.commit(entries: Array(entries), dataEnd: head.activeDurableEnd, nextPosition: head.durableNext)
    }

    /// The valid entries of the active segment's `.pidx` after the first `known` ones, read
    /// from their own offset (a follower refreshes often; the file holds every entry so far).
    /// Stops at the first entry that fails its checksum or does not follow the one before: the
    /// writer may be writing it right now. The file's header was checked when it was opened.
    private func newIndexEntries(of base: LogPosition, after known: Int, last: PositionIndexEntry?) -> [PositionIndexEntry] {
        let path = joinPath(directory, SegmentFileName(base: base, kind: .positionIndex).description)
        guard let file = try? fileSystem.open(path, writable: false) else { return [] }
        defer { file.close() }
        let start = PositionIndexFile.entryOffset(known)
        guard let size = try? file.size(), size >= start + UInt64(Format.positionIndexEntryBytes) else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(size - start))
        guard let count = try? bytes.withMutableBytes({ (raw) throws(LogError) in try file.readFully(at: start, into: raw) }) else { return [] }
        var entries: [PositionIndexEntry] = []
        var previous = last
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset + Format.positionIndexEntryBytes <= count {
                let slot = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + Format.positionIndexEntryBytes)])
                guard let entry = PositionIndexEntry.decode(slot, base: base),
                      previous.map({ $0.relativePosition < entry.relativePosition && $0.offset < entry.offset }) ?? (entry.relativePosition == 0)
                else { return }
                entries.append(entry)
                previous = entry
                offset += Format.positionIndexEntryBytes
            }
        }
        return entries
    }

    private func openExisting(_ name: String) throws(Failure) -> any StorageFile {
        let path = joinPath(directory, name)
        do { return try fileSystem.open(path, writable: false) } catch {
            throw fileSystem.exists(path) ? .failed(error) : .vanished
        }
    }
}
