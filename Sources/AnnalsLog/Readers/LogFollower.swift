import Synchronization
/// A read-only log's view of its writer: the last `DurableHead` it applied, and how to move
/// the segment table forward to a newer one.
///
/// Invariant: the log's committed watermark equals `head.durableNext`, and its table holds
/// every segment up to `head.activeBase`, the last one readable to `head.activeDurableEnd`.
final class LogFollower: @unchecked Sendable {
    private let segments: ReadOnlySegments
    private let headPath: String
    /// Guards `head` and `headFile`, and makes refreshes one at a time.
    private let mutex = PosixMutex()
    private(set) var head: DurableHead
    private var headFile: (any StorageFile)?

    init(segments: ReadOnlySegments, head: DurableHead, headPath: String) {
        self.segments = segments
        self.head = head
        self.headPath = headPath
        headFile = try? segments.fileSystem.open(headPath, writable: false)
    }

    func close() {
        mutex.withLock {
            headFile?.close()
            headFile = nil
        }
    }

    /// Applies the writer's latest publication to `log`. Returns true when records became readable.
    func refresh(_ log: Log) throws(LogError) -> Bool {
        mutex.lock()
        defer { mutex.unlock() }
        if headFile == nil { headFile = try? segments.fileSystem.open(headPath, writable: false) }
        // A retry follows a file that vanished under a stale head: the writer rolled again and
        // sealed the segment the head named as active. A fresh head names where it is now.
        for _ in 0..<16 {
            guard let file = headFile, let latest = HeadFile.read(file) else { return false }
            guard latest.durableNext != head.durableNext || latest.activeBase != head.activeBase
                || latest.activeDurableEnd != head.activeDurableEnd
            else { return false }
            guard latest.durableNext >= head.durableNext, latest.activeBase >= head.activeBase else {
                throw .corruption("the writer's durable watermark went back from position \(head.durableNext) to \(latest.durableNext): acknowledged records were lost",
                                  file: SegmentFileName.headFile, offset: 0)
            }
            do throws(ReadOnlySegments.Failure) {
                if latest.activeBase == head.activeBase {
                    guard let active = log.segmentSnapshot.last as? Segment else { preconditionFailure("the active segment is raw") }
                    do { try segments.extend(active, to: latest) } catch { throw .failed(error) }
                } else {
                    try rollForward(log, to: latest)
                }
            } catch {
                if case .failed(let error) = error { throw error }
                continue
            }
            let grew = latest.durableNext > head.durableNext
            head = latest
            log.committedNext.store(latest.durableNext.rawValue, ordering: .releasing)
            return grew
        }
        throw LogError(.conflict, "the store's files kept changing while following the writer; try again", file: segments.directory)
    }

    /// The writer rolled (maybe more than once): the old active segment and any after it are
    /// full now. Reopens them as full segments (sealed where the raw file is already gone),
    /// opens the new active one, and swaps raw segments that were sealed meanwhile for their
    /// sealed copies, so the deleted raw files are let go. Throws `.vanished` when a file named
    /// by `latest` is gone (the head is stale): nothing changed, and the caller reads it again.
    private func rollForward(_ log: Log, to latest: DurableHead) throws(ReadOnlySegments.Failure) {
        let files = try listing()
        let table = log.segmentSnapshot
        let keep = table.dropLast()
        var opened: [any SegmentSource] = []
        do throws(ReadOnlySegments.Failure) {
            let bases = (files.raw.union(files.sealed)).filter { $0 >= head.activeBase && $0 < latest.activeBase }.sorted()
            guard bases.first == head.activeBase else { throw .vanished }
            for (offset, base) in bases.enumerated() {
                let next = offset + 1 < bases.count ? bases[offset + 1] : latest.activeBase
                opened.append(try segments.openFull(base: base, next: next, raw: files.raw.contains(base)))
            }
            opened.append(try segments.openActive(latest))
        } catch {
            for segment in opened { segment.close() }
            throw error
        }
        let resealed = reopenSealed(Array(keep), files: files)
        log.tableMutex.withLock {
            precondition(log.segments.count == table.count, "only refresh changes a read-only log's table")
            log.segments = resealed.table + opened
        }
        for retired in resealed.retired + [table.last!] { (retired as? Segment)?.retire() }
    }

    private func listing() throws(ReadOnlySegments.Failure) -> (raw: Set<LogPosition>, sealed: Set<LogPosition>) {
        do { return try segments.list() } catch { throw .failed(error) }
    }

    /// The full segments with raw segments whose raw file is gone replaced by their sealed copies.
    private func reopenSealed(_ table: [any SegmentSource], files: (raw: Set<LogPosition>, sealed: Set<LogPosition>))
        -> (table: [any SegmentSource], retired: [any SegmentSource]) {
        var result: [any SegmentSource] = [], retired: [any SegmentSource] = []
        for (offset, segment) in table.enumerated() {
            let next = offset + 1 < table.count ? table[offset + 1].base : segment.endPosition
            if segment is Segment, !files.raw.contains(segment.base), files.sealed.contains(segment.base),
               let sealed = try? segments.openFull(base: segment.base, next: next, raw: false) {
                result.append(sealed)
                retired.append(segment)
            } else {
                result.append(segment)
            }
        }
        return (result, retired)
    }

    /// Opens every segment up to `head.activeBase`, as `head` names them.
    static func openTable(_ segments: ReadOnlySegments, through head: DurableHead) throws(ReadOnlySegments.Failure) -> [any SegmentSource] {
        let files: (raw: Set<LogPosition>, sealed: Set<LogPosition>)
        do { files = try segments.list() } catch { throw .failed(error) }
        guard files.raw.contains(head.activeBase) else { throw .vanished }
        let bases = files.raw.union(files.sealed).filter { $0 <= head.activeBase }.sorted()
        if let first = bases.first, first != .first {
            throw .failed(.corruption("the first segment starts at position \(first): the segments before it are missing",
                                      file: SegmentFileName(base: first, kind: files.raw.contains(first) ? .log : .sealed).description, offset: 0))
        }
        var opened: [any SegmentSource] = []
        do throws(ReadOnlySegments.Failure) {
            for (offset, base) in bases.dropLast().enumerated() {
                opened.append(try segments.openFull(base: base, next: bases[offset + 1], raw: files.raw.contains(base)))
            }
            opened.append(try segments.openActive(head))
        } catch {
            for segment in opened { segment.close() }
            throw error
        }
        return opened
    }
}
