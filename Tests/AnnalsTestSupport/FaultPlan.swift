/// Which faults a `SimulatedFileSystem` injects, and how often. Every draw comes from the file
/// system's seeded generator, so a run with the same seed, plan and operation order replays.
public struct FaultPlan: Sendable {
    /// Chance that a file `sync()` or a `syncDirectory` fails with EIO.
    public var syncFailure: Double
    /// Like Linux after a failed fsync: the unsynced writes stay visible in the page cache but
    /// are marked clean, so they never reach the disk, even if a later sync succeeds.
    public var syncFailureLosesData: Bool
    /// Chance that a write fails with ENOSPC.
    public var writeNoSpace: Double
    /// Chance that a write fails with EIO.
    public var writeIOError: Double
    /// When a write fails, whether a random prefix of its bytes was written first.
    public var partialFailedWrites: Bool
    /// Chance that a read returns fewer bytes than asked (at least one) before the end of file.
    public var shortRead: Double
    /// On a crash, keep a random prefix of each file's unsynced writes, the last one torn at a
    /// random byte count. When false, a crash keeps exactly what was synced.
    public var tornWritesOnCrash: Bool
    /// Only paths for which this returns true get write, sync and read faults.
    public var appliesTo: @Sendable (String) -> Bool

    public init(
        syncFailure: Double = 0, syncFailureLosesData: Bool = true, writeNoSpace: Double = 0,
        writeIOError: Double = 0, partialFailedWrites: Bool = true, shortRead: Double = 0,
        tornWritesOnCrash: Bool = true, appliesTo: @escaping @Sendable (String) -> Bool = { _ in true }
    ) {
        precondition((0...1).contains(syncFailure) && (0...1).contains(writeNoSpace), "chances are 0...1")
        precondition((0...1).contains(writeIOError) && (0...1).contains(shortRead), "chances are 0...1")
        self.syncFailure = syncFailure
        self.syncFailureLosesData = syncFailureLosesData
        self.writeNoSpace = writeNoSpace
        self.writeIOError = writeIOError
        self.partialFailedWrites = partialFailedWrites
        self.shortRead = shortRead
        self.tornWritesOnCrash = tornWritesOnCrash
        self.appliesTo = appliesTo
    }

    /// No faults; crashes still tear unsynced writes.
    public static let none = FaultPlan()
}

/// How many faults a simulated file system injected, for reports and for tests that must
/// prove a fault really happened.
public struct FaultCounters: Sendable, Equatable {
    public var syncFailures = 0
    public var noSpaceWrites = 0
    public var ioErrorWrites = 0
    public var shortReads = 0
    public var crashes = 0
    /// Unsynced bytes a crash dropped, over all crashes.
    public var bytesLostInCrashes = 0
    /// Unsynced bytes a crash kept (torn writes), over all crashes.
    public var bytesKeptInCrashes = 0

    public init() {}
}
