import AnnalsTestSupport
import Testing
@testable import AnnalsLog

/// The fault-injecting file system must itself be right, or every test built on it proves nothing.
@Suite(.timeLimit(.minutes(10))) struct SimulatedFileSystemTests {
    static let directory = "/store"

    private func fileSystem(seed: UInt64 = 1, faults: FaultPlan = FaultPlan(tornWritesOnCrash: false)) throws -> SimulatedFileSystem {
        let fs = SimulatedFileSystem(seed: seed, faults: FaultPlan(tornWritesOnCrash: faults.tornWritesOnCrash))
        try fs.createDirectory(Self.directory)
        try fs.syncDirectory("/")
        fs.setFaults(faults)
        return fs
    }

    /// Proves a crash keeps synced bytes and drops unsynced ones, and that the old boot's handles die.
    @Test func crashDropsUnsyncedWrites() throws {
        let fs = try fileSystem()
        let file = try fs.create("/store/a")
        try fs.syncDirectory(Self.directory)
        try file.write(at: 0, [1, 2, 3])
        try file.sync()
        try file.write(at: 3, [4, 5])
        #expect(fs.contents(of: "/store/a") == [1, 2, 3, 4, 5])
        let after = fs.crash()
        #expect(after.contents(of: "/store/a") == [1, 2, 3])
        #expect(throws: LogError.self) { try file.write(at: 0, [9]) }
        #expect(throws: LogError.self) { _ = try fs.list(Self.directory) }
        #expect(try after.list(Self.directory) == ["a"])
    }

    /// Proves creations, renames and removals survive a crash only after a directory sync.
    @Test func directoryChangesNeedDirectorySync() throws {
        let fs = try fileSystem()
        let kept = try fs.create("/store/kept")
        try kept.sync()
        try fs.syncDirectory(Self.directory)
        let lost = try fs.create("/store/lost")
        try lost.sync()
        try fs.rename("/store/kept", to: "/store/renamed")
        var after = fs.crash()
        #expect(try after.list(Self.directory) == ["kept"])
        try after.rename("/store/kept", to: "/store/renamed")
        try after.syncDirectory(Self.directory)
        try after.remove("/store/renamed")
        after = after.crash()
        #expect(try after.list(Self.directory) == ["renamed"])
    }

    /// Proves a torn crash leaves the synced bytes plus a prefix of the unsynced writes, in order,
    /// for many seeds (each failure names its seed).
    @Test(arguments: 0..<64 as Range<UInt64>)
    func tornCrashKeepsAPrefixOfWrites(seed: UInt64) throws {
        let fs = try fileSystem(seed: seed, faults: FaultPlan(tornWritesOnCrash: true))
        let file = try fs.create("/store/a")
        try fs.syncDirectory(Self.directory)
        try file.write(at: 0, [UInt8](repeating: 1, count: 8))
        try file.sync()
        let writes: [[UInt8]] = [[UInt8](repeating: 2, count: 8), [UInt8](repeating: 3, count: 8), [UInt8](repeating: 4, count: 8)]
        for (index, bytes) in writes.enumerated() { try file.write(at: UInt64(8 + index * 8), bytes) }
        let survived = fs.crash().contents(of: "/store/a") ?? []
        let full = [UInt8](repeating: 1, count: 8) + writes.joined()
        #expect(survived.count >= 8 && Array(full.prefix(survived.count)) == survived, "seed \(seed): \(survived)")
    }

    /// Proves a failed sync loses the unsynced data for good, as Linux does: a later successful
    /// sync does not bring it back after a crash, though reads saw it before.
    @Test func failedSyncLosesData() throws {
        let fs = try fileSystem(faults: FaultPlan(syncFailure: 1, tornWritesOnCrash: false))
        let file = try fs.create("/store/a")
        fs.setFaults(FaultPlan(tornWritesOnCrash: false))
        try fs.syncDirectory(Self.directory)
        try file.write(at: 0, [7, 7])
        fs.setFaults(FaultPlan(syncFailure: 1, tornWritesOnCrash: false))
        #expect { try file.sync() } throws: { ($0 as? LogError)?.errno == SimulatedErrno.io }
        fs.setFaults(FaultPlan(tornWritesOnCrash: false))
        try file.sync()
        #expect(fs.contents(of: "/store/a") == [7, 7])
        #expect(fs.crash().contents(of: "/store/a") == [])
        #expect(fs.counters.syncFailures == 1)
    }

    /// Proves the free-space limit writes what fits, then fails with ENOSPC, and lifts again.
    @Test func noSpaceWritesAPrefix() throws {
        let fs = try fileSystem()
        let file = try fs.create("/store/a")
        fs.setFreeBytes(5)
        #expect { try file.write(at: 0, [UInt8](repeating: 9, count: 8)) } throws: { ($0 as? LogError)?.errno == SimulatedErrno.noSpace }
        #expect(fs.contents(of: "/store/a") == [9, 9, 9, 9, 9])
        fs.setFreeBytes(nil)
        try file.write(at: 0, [UInt8](repeating: 8, count: 8))
        #expect(fs.contents(of: "/store/a")?.count == 8)
    }

    /// Proves short reads happen under the plan and that `readFully` still returns every byte.
    @Test(arguments: [11, 12, 13] as [UInt64])
    func shortReadsAreRetriedByReadFully(seed: UInt64) throws {
        let fs = try fileSystem(seed: seed, faults: FaultPlan(shortRead: 1))
        let file = try fs.create("/store/a")
        let bytes = (0..<4000).map { UInt8(truncatingIfNeeded: $0) }
        try file.write(at: 0, bytes)
        var out = [UInt8](repeating: 0, count: 4000)
        let count = try out.withMutableBytes { (raw) throws(LogError) in try file.readFully(at: 0, into: raw) }
        #expect(count == 4000 && out == bytes, "seed \(seed)")
        #expect(fs.counters.shortReads > 0, "seed \(seed)")
    }

    /// Proves a lock refuses a second holder, frees on release, and dies with a crash.
    @Test func lockIsExclusive() throws {
        let fs = try fileSystem()
        let lock = try fs.lock("/store/LOCK")
        #expect { _ = try fs.lock("/store/LOCK") } throws: { ($0 as? LogError)?.code == .conflict }
        lock.release()
        _ = try fs.lock("/store/LOCK")
        let after = fs.crash()
        let again = try after.lock("/store/LOCK")
        lock.release()  // a stale holder must not free the new boot's lock
        #expect { _ = try after.lock("/store/LOCK") } throws: { ($0 as? LogError)?.code == .conflict }
        again.release()
    }

    /// Proves `map` copies the current bytes and refuses to map past the end of the file.
    @Test func mapCopiesContents() throws {
        let fs = try fileSystem()
        let file = try fs.create("/store/a")
        try file.write(at: 0, [1, 2, 3, 4])
        let region = try file.map(length: 3)
        #expect(Array(region.bytes) == [1, 2, 3])
        #expect(throws: LogError.self) { _ = try file.map(length: 5) }
    }

    /// Proves a scheduled crash fires at exactly the chosen mutating operation.
    @Test func scheduledCrashFiresAtItsOperation() throws {
        let fs = try fileSystem()
        let file = try fs.create("/store/a")
        try fs.syncDirectory(Self.directory)
        fs.scheduleCrash(afterOperations: 3)
        try file.write(at: 0, [1])
        try file.sync()
        #expect(!fs.hasCrashed)
        #expect(throws: LogError.self) { try file.write(at: 1, [2]) }
        #expect(fs.hasCrashed)
        #expect(fs.crash().contents(of: "/store/a") == [1])
    }
}

/// The simulator's durability model, operation by operation: nothing the kernel may still lose
/// is treated as durable.
@Suite(.timeLimit(.minutes(10))) struct SimulatedDurabilityModelTests {
    /// Proves an un-synced mkdir is lost on a power cut, with everything in it, even files and
    /// entries that were synced inside it; it survives only once its parent is synced.
    @Test func unsyncedMkdirIsLostOnCrash() throws {
        let fs = SimulatedFileSystem(seed: 1, faults: FaultPlan(tornWritesOnCrash: false))
        try fs.createDirectory("/a/b")
        let file = try fs.create("/a/b/f")
        try file.write(at: 0, [1, 2])
        try file.sync()
        try fs.syncDirectory("/a/b")
        try fs.syncDirectory("/a")  // "/a" itself is still only in the page cache
        var after = fs.crash()
        #expect(!after.exists("/a"))
        #expect(throws: LogError.self) { _ = try after.list("/a/b") }
        try after.createDirectory("/a/b")
        try after.syncDirectory("/")
        try after.syncDirectory("/a")
        after = after.crash()
        #expect(after.exists("/a/b"))
        #expect(try after.list("/a/b") == [])
    }

    /// Proves a truncation is volatile until the file is synced.
    @Test func unsyncedTruncateIsLostOnCrash() throws {
        let fs = SimulatedFileSystem(seed: 1, faults: FaultPlan(tornWritesOnCrash: false))
        try fs.createDirectory("/s")
        try fs.syncDirectory("/")
        let file = try fs.create("/s/f")
        try fs.syncDirectory("/s")
        try file.write(at: 0, [1, 2, 3, 4])
        try file.sync()
        try file.truncate(to: 1)
        #expect(fs.contents(of: "/s/f") == [1])
        #expect(fs.crash().contents(of: "/s/f") == [1, 2, 3, 4])
    }

    /// Proves a rename over an existing file, and a removal, are undone by a crash before the
    /// directory sync: the old file comes back with its old bytes.
    @Test func unsyncedRenameOverAFileAndRemoveAreUndone() throws {
        let fs = SimulatedFileSystem(seed: 1, faults: FaultPlan(tornWritesOnCrash: false))
        try fs.createDirectory("/s")
        try fs.syncDirectory("/")
        for (name, byte) in [("old", UInt8(1)), ("new", 2), ("gone", 3)] {
            let file = try fs.create("/s/" + name)
            try file.write(at: 0, [byte])
            try file.sync()
        }
        try fs.syncDirectory("/s")
        try fs.rename("/s/new", to: "/s/old")
        try fs.remove("/s/gone")
        let after = fs.crash()
        #expect(try after.list("/s") == ["gone", "new", "old"])
        #expect(after.contents(of: "/s/old") == [1])
    }

    /// Proves mkdir counts as a mutating operation, so a scheduled power loss can land on it.
    @Test func scheduledCrashCanLandOnMkdir() throws {
        let fs = SimulatedFileSystem(seed: 1)
        fs.scheduleCrash(afterOperations: 1)
        #expect(throws: LogError.self) { try fs.createDirectory("/x") }
        #expect(fs.hasCrashed)
        #expect(!fs.crash().exists("/x"))
    }
}
