import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Opening a store read-only: read the writer's `HEAD`, then open every segment up to the
/// active one as it names them, without a lock, a scan or a write.
///
/// Without a `HEAD` (a store last written before it existed, or one whose `HEAD` a power loss
/// took), a store closed cleanly is read up to its `CLEAN` marker. A store with neither was
/// left by a crash: only a writer's recovery can tell what in it is durable, so the open fails.
struct ReadOnlyOpen {
    struct Result {
        var segments: [any SegmentSource]
        var follower: LogFollower
        var report: RecoveryReport
    }

    let directory: String
    let options: LogOptions
    let blockCache: BlockCache
    var fileSystem: any StorageFileSystem { options.fileSystem }

    func open() throws(LogError) -> Result {
        guard fileSystem.exists(directory) else { throw LogError(.notFound, "there is no store at \(directory)", file: directory) }
        let segments = ReadOnlySegments(directory: directory, fileSystem: fileSystem, blockCache: blockCache)
        // Each retry follows a file the writer removed or replaced meanwhile (a seal, a roll);
        // a writer busy enough to win 16 races in a row still lets the 17th through.
        for _ in 0..<16 {
            let head = try currentHead(segments)
            do throws(ReadOnlySegments.Failure) {
                let table = try LogFollower.openTable(segments, through: head)
                var report = RecoveryReport()
                report.segments = table.count
                report.nextPosition = head.durableNext
                let follower = LogFollower(segments: segments, head: head, headPath: joinPath(directory, SegmentFileName.headFile))
                return Result(segments: table, follower: follower, report: report)
            } catch {
                if case .failed(let error) = error { throw error }
                try checkActiveSegmentExists(head, segments)
            }
        }
        throw LogError(.conflict, "the store's files kept changing during a read-only open; try again", file: directory)
    }

    /// A head naming an active segment that is not there: a race with the writer when a newer
    /// head names a later segment, else a lost file (nothing in the store deletes the segment a
    /// head names as active: LostSegmentCheck), which no retry would find.
    private func checkActiveSegmentExists(_ head: DurableHead, _ segments: ReadOnlySegments) throws(LogError) {
        guard !(try segments.list()).raw.contains(head.activeBase), try currentHead(segments) == head else { return }
        throw LostSegmentCheck.missingActiveSegment(head, logEndsBefore: nil)
    }

    /// The writer's latest publication, or the clean-shutdown marker's equivalent. A writer
    /// that is opening right now has removed `CLEAN` and not yet published `HEAD`: that state
    /// lasts milliseconds, so it is waited out briefly.
    private func currentHead(_ segments: ReadOnlySegments) throws(LogError) -> DurableHead {
        let deadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
        while true {
            if let head = HeadFile.read(fileSystem, path: joinPath(directory, SegmentFileName.headFile)) { return head }
            if let clean = readCleanMarker() {
                return DurableHead(sequence: 0, writerID: 0, durableNext: clean.nextPosition,
                                   activeBase: clean.activeBase, activeDurableEnd: clean.activeEndOffset)
            }
            let files = try segments.list()
            if files.raw.isEmpty && files.sealed.isEmpty {
                throw LogError(.notFound, "\(directory) holds no store (no segment files)", file: directory)
            }
            if DispatchTime.now().uptimeNanoseconds > deadline {
                throw LogError(.notFound, "the store has no valid HEAD file and was not closed cleanly, so what is durable in it is unknown: open it once for writing to recover it",
                               file: SegmentFileName.headFile)
            }
            usleep(10_000)
        }
    }

    private func readCleanMarker() -> CleanShutdownMarker? {
        let path = joinPath(directory, SegmentFileName.cleanShutdownFile)
        guard fileSystem.exists(path), let file = try? fileSystem.open(path, writable: false) else { return nil }
        defer { file.close() }
        guard let bytes = try? file.readAll(), let marker = bytes.withUnsafeBytes({ CleanShutdownMarker.decode($0) }),
              marker.isConsistent
        else { return nil }
        return marker
    }
}
