import AnnalsTestSupport
import Testing
@testable import AnnalsLog

/// The position index that recovery writes back must be exactly the index the segment calls
/// for: strictly increasing, complete on disk, and left alone by the next open.
@Suite(.timeLimit(.minutes(10))) struct PositionIndexRecoveryTests {
    /// Proves recovery does not duplicate the last trusted index entry: after a crash, the
    /// rewritten `.pidx` is complete and strictly increasing, equals the index in use, and the
    /// next open neither rewrites it nor rescans more than the tail after its last entry.
    @Test func recoveryDoesNotDuplicateTheLastTrustedIndexEntry() throws {
        let (dir, _) = try LogRecoveryTests.crashedStore(batches: 120, size: 1)
        defer { dir.remove() }
        let indexName = FileBytes.names(in: dir.path, suffix: ".pidx")[0]
        var log = try Log.open(directory: dir.path)
        let inUse = log.writer.segment.indexSnapshot
        #expect(inUse.count >= 4, "the test needs several index entries")
        for slot in 1..<inUse.count {
            #expect(inUse[slot - 1].relativePosition < inUse[slot].relativePosition, "slot \(slot) repeats or goes back")
        }
        let onDisk = PositionIndexFile.readValidPrefix(PosixFileSystem(), path: dir.file(indexName), base: .first)
        #expect(onDisk?.complete == true, "the rewritten index file holds a bad or repeated entry")
        #expect(onDisk?.entries.count == inUse.count)
        log.abandonForTesting()
        let before = FileBytes.read(dir.file(indexName))
        log = try Log.open(directory: dir.path)
        defer { log.abandonForTesting() }
        #expect(log.recoveryReport.indexesRebuilt.isEmpty)
        #expect(FileBytes.read(dir.file(indexName)) == before, "the second open rewrote the index")
        #expect(log.recoveryReport.bytesScanned < UInt64(Format.positionIndexIntervalBytes + 1024))
    }

    /// Proves `verify` checks index entries for strict order: a full segment's `.pidx` with its
    /// last entry written twice is reported, naming the file and the repeated slot.
    @Test func verifyReportsARepeatedIndexEntry() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 16384))
        defer { log.abandonForTesting() }
        for batch in 0..<200 { try log.append(Entries.make(1, tag: batch)) }
        #expect(log.verify().isHealthy)
        let indexName = FileBytes.names(in: dir.path, suffix: ".pidx")[0]
        let bytes = FileBytes.read(dir.file(indexName))
        let entryBytes = Format.positionIndexEntryBytes
        FileBytes.write(dir.file(indexName), bytes + bytes[(bytes.count - entryBytes)...])
        let slot = (bytes.count - Format.positionIndexHeaderBytes) / entryBytes
        let report = log.verify()
        #expect(report.problems.contains { $0.file == indexName && $0.offset == PositionIndexFile.entryOffset(slot) },
                "\(report.problems)")
    }
}
