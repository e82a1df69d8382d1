import AnnalsLog
import AnnalsTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(10))) struct VerifyCommandTests {
    /// Proves `annals verify` on a crashed store of 50 appends, with the header of the first record
    /// after the last index entry zeroed, exits non-zero, names the file and offset, and
    /// changes nothing (the reproduction).
    @Test func verifyFailsOnZeroedRegionBeforeAcknowledgedRecords() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path)
        for batch in 0..<50 { _ = try log.append(Entries.make(1, tag: batch)) }
        log.abandonForTesting()  // a crash: no CLEAN marker
        let name = FileBytes.names(in: dir.path, suffix: ".log")[0]
        var bytes = FileBytes.read(dir.file(name))
        // The first record after the last position-index entry: the tail that open scans.
        let index = FileBytes.read(dir.file(FileBytes.names(in: dir.path, suffix: ".pidx")[0]))
        let lastEntry = index.count - 16
        let lastIndexed = index[lastEntry..<(lastEntry + 4)].reversed().reduce(0) { $0 << 8 | UInt64($1) } + 1
        #expect(lastIndexed <= 47, "the test needs records after the zeroed one")
        let offset = try Self.offset(ofRecord: lastIndexed + 1, in: bytes)
        for index in offset..<(offset + 64) { bytes[index] = 0 }
        FileBytes.write(dir.file(name), bytes)
        let result = try CLIProcess.run(["verify", "--dir", dir.path, "--sealing", "manual"])
        #expect(result.status != 0, "\(result.stdout)")
        // Verify opens read-only: the killed writer's HEAD says position 50 is durable, so the
        // report (standard output) names the zeroed record's file and offset.
        let output = result.stdout + result.stderr
        #expect(output.contains(name) && output.contains("offset \(offset)"), "stderr: \(result.stderr) stdout: \(result.stdout)")
        #expect(FileBytes.read(dir.file(name)) == bytes, "verify changed the damaged file")
    }

    /// The offset of the record at `position` in a raw segment's bytes, found by walking the
    /// record lengths (FORMAT.md §3: total length at bytes 4..<8, records 8-byte aligned).
    static func offset(ofRecord position: UInt64, in bytes: [UInt8]) throws -> Int {
        var offset = 64
        for _ in 1..<position {
            let length = bytes[(offset + 4)..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += (length + 7) / 8 * 8
        }
        return offset
    }
}
