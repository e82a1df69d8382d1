public import AnnalsLog

/// An in-memory `StorageFileSystem` that models the page cache against stable storage and
/// injects faults from a seed (TigerBeetle's simulator is the model).
///
/// The durability model, operation by operation (the strict POSIX reading: nothing the kernel
/// may still lose counts as durable; docs/RELIABILITY.md has the same table):
/// - `write` and `truncate` change what reads see at once; they reach the disk only with a
///   completed `sync` of that file (fdatasync: data and the size needed to read it).
/// - `create`, `rename` and `remove` change the directory at once; each becomes durable only
///   when its parent directory is synced (a rename across directories needs both synced).
/// - `createDirectory` (mkdir) is an entry in its parent like any other: durable only once
///   the parent is synced, and a directory that is lost takes everything below it along.
/// - Reads, `list`, `exists`, `size`, `map` and `lock` change nothing on disk. A lock file is
///   created as a plain, un-synced entry; locks die with their boot.
/// - Every mutating operation (write, truncate, sync, create, rename, remove, mkdir, directory
///   sync) counts toward `scheduleCrash(afterOperations:)`.
/// - `crash()` is a power loss: it drops everything not covered by a completed sync (keeping,
///   if the plan says so, a random prefix of each file's unsynced writes, torn at any byte),
///   kills every handle and lock of the running boot, and returns the file system of the next boot.
/// - A `FaultPlan` injects EIO on sync (losing the unsynced data, as Linux does), ENOSPC and
///   EIO on write (after writing part of the bytes), and short reads.
///
/// Each instance is one boot of the machine; all boots share one disk.
public final class SimulatedFileSystem: StorageFileSystem {
    let disk: SimulatedDisk
    let boot: Int
    public let seed: UInt64

    public init(seed: UInt64, faults: FaultPlan = .none) {
        self.disk = SimulatedDisk(seed: seed, faults: faults)
        self.boot = 1
        self.seed = seed
    }

    private init(disk: SimulatedDisk, boot: Int, seed: UInt64) {
        self.disk = disk
        self.boot = boot
        self.seed = seed
    }

    // MARK: Test controls

    /// Power loss now (unless a scheduled crash already happened); returns the rebooted file system.
    public func crash() -> SimulatedFileSystem {
        let next: Int = try! disk.withState { (state) throws(LogError) -> Int in
            if state.boot == boot && !state.halted { state.crash() }
            state.halted = false
            state.boot += 1
            return state.boot
        }
        return SimulatedFileSystem(disk: disk, boot: next, seed: seed)
    }

    /// Makes the `count`-th mutating operation from now (write, truncate, sync, create, rename,
    /// remove, directory sync) lose power instead of running.
    public func scheduleCrash(afterOperations count: Int) {
        precondition(count > 0, "a crash needs a positive operation count")
        try! disk.withState { (state) throws(LogError) in state.crashAtOperation = state.operations + count }
    }

    /// Makes a mutating operation on a path containing `text` lose power instead of running:
    /// the first such operation from now when `occurrence` is 0, the second when 1, and so on.
    /// Aims a power loss at one kind of file (an index, the heads checkpoint, a snapshot), which
    /// a crash point drawn over all operations reaches only by chance. An earlier
    /// `scheduleCrash(afterOperations:)` still fires if it comes first.
    public func scheduleCrash(atOperationOnPathContaining text: String, occurrence: Int = 0) {
        precondition(!text.isEmpty && occurrence >= 0, "a path text and a non-negative occurrence")
        try! disk.withState { (state) throws(LogError) in
            state.crashPathText = text
            state.aimedCrashFired = false
            state.crashPathRemaining = occurrence
        }
    }

    /// True when the last power loss was the one `scheduleCrash(atOperationOnPathContaining:)` aimed.
    public var aimedCrashFired: Bool {
        try! disk.withState { (state) throws(LogError) -> Bool in state.aimedCrashFired }
    }

    /// Drops a scheduled crash that has not fired yet.
    public func cancelScheduledCrash() {
        try! disk.withState { (state) throws(LogError) in
            state.crashAtOperation = nil
            state.crashPathText = nil
        }
    }

    /// True once this boot has lost power.
    public var hasCrashed: Bool {
        try! disk.withState { (state) throws(LogError) -> Bool in state.boot != boot || state.halted }
    }

    /// Replaces the fault plan from now on.
    public func setFaults(_ faults: FaultPlan) {
        try! disk.withState { (state) throws(LogError) in state.faults = faults }
    }

    /// Limits the bytes all files may hold; writes past it fail with ENOSPC. nil: no limit.
    public func setFreeBytes(_ bytes: Int?) {
        try! disk.withState { (state) throws(LogError) in
            state.freeBytes = bytes.map { state.usedBytes + $0 }
        }
    }

    public var counters: FaultCounters {
        try! disk.withState { (state) throws(LogError) -> FaultCounters in state.counters }
    }

    /// Mutating operations so far, to pick crash points inside a known range.
    public var operationCount: Int {
        try! disk.withState { (state) throws(LogError) -> Int in state.operations }
    }

    /// The bytes reads would see now, or nil if no such file.
    public func contents(of path: String) -> [UInt8]? {
        try! disk.withState { (state) throws(LogError) -> [UInt8]? in state.entries[path].map { state.nodes[$0]!.volatile } }
    }

    /// Bytes written to `path` since its last sync (0 if none or no such file).
    public func unsyncedBytes(of path: String) -> Int {
        try! disk.withState { (state) throws(LogError) -> Int in
            state.entries[path].map { state.nodes[$0]!.unsynced.reduce(0) { $0 + $1.byteCount } } ?? 0
        }
    }

    /// Overwrites a file's bytes, durably, as a test's way to corrupt or cut it.
    public func replaceContents(of path: String, with bytes: [UInt8]) {
        try! disk.withState { (state) throws(LogError) in
            guard let id = state.entries[path] else { preconditionFailure("no file at \(path)") }
            state.nodes[id] = SimulatedNode(volatile: bytes, durable: bytes, unsynced: [])
        }
    }

    // MARK: StorageFileSystem

    public func open(_ path: String, writable: Bool) throws(LogError) -> any StorageFile {
        let id = try disk.withState { (state) throws(LogError) -> Int in
            try state.admit(boot: boot, mutating: false, path: path)
            guard let id = state.entries[path] else {
                throw LogError(.notFound, "open failed: no such file", file: path, errno: SimulatedErrno.notFound)
            }
            return id
        }
        return SimulatedFile(disk: disk, boot: boot, node: id, path: path, writable: writable)
    }

    public func create(_ path: String) throws(LogError) -> any StorageFile {
        let id = try disk.withState { (state) throws(LogError) -> Int in
            try state.admit(boot: boot, mutating: true, path: path)
            guard state.directories.contains(parentDirectory(path)) else {
                throw LogError(.notFound, "create failed: no such directory", file: path, errno: SimulatedErrno.notFound)
            }
            guard state.entries[path] == nil else {
                throw LogError(.io, "create failed: file exists", file: path, errno: SimulatedErrno.exists)
            }
            let id = state.nextNodeID
            state.nextNodeID += 1
            state.nodes[id] = SimulatedNode()
            state.entries[path] = id
            return id
        }
        return SimulatedFile(disk: disk, boot: boot, node: id, path: path, writable: true)
    }

    public func remove(_ path: String) throws(LogError) {
        try disk.withState { (state) throws(LogError) in
            try state.admit(boot: boot, mutating: true, path: path)
            guard state.entries.removeValue(forKey: path) != nil else {
                throw LogError(.notFound, "unlink failed: no such file", file: path, errno: SimulatedErrno.notFound)
            }
        }
    }

    public func rename(_ source: String, to destination: String) throws(LogError) {
        try disk.withState { (state) throws(LogError) in
            try state.admit(boot: boot, mutating: true, path: source)
            guard let id = state.entries.removeValue(forKey: source) else {
                throw LogError(.notFound, "rename failed: no such file", file: source, errno: SimulatedErrno.notFound)
            }
            state.entries[destination] = id
        }
    }

    public func syncDirectory(_ directory: String) throws(LogError) {
        let directory = normalizedDirectory(directory)
        try disk.withState { (state) throws(LogError) in
            try state.admit(boot: boot, mutating: true, path: directory)
            if state.faults.appliesTo(directory), state.chance(state.faults.syncFailure) {
                state.counters.syncFailures += 1
                throw LogError(.io, "fsync directory failed (injected EIO)", file: directory, errno: SimulatedErrno.io)
            }
            guard state.directories.contains(directory) else {
                throw LogError(.notFound, "open directory failed: no such directory", file: directory, errno: SimulatedErrno.notFound)
            }
            for path in Set(state.entries.keys).union(state.durableEntries.keys) where parentDirectory(path) == directory {
                state.durableEntries[path] = state.entries[path]
            }
            for child in state.directories where child != directory && parentDirectory(child) == directory {
                state.durableDirectories.insert(child)
            }
        }
    }

    public func list(_ directory: String) throws(LogError) -> [String] {
        let directory = normalizedDirectory(directory)
        return try disk.withState { (state) throws(LogError) -> [String] in
            try state.admit(boot: boot, mutating: false, path: directory)
            guard state.directories.contains(directory) else {
                throw LogError(.notFound, "opendir failed: no such directory", file: directory, errno: SimulatedErrno.notFound)
            }
            let prefix = directory == "/" ? "/" : directory + "/"
            return state.entries.keys.filter { parentDirectory($0) == directory }
                .map { String($0.dropFirst(prefix.count)) }.sorted()
        }
    }

    public func createDirectory(_ directory: String) throws(LogError) {
        let directory = normalizedDirectory(directory)
        try disk.withState { (state) throws(LogError) in
            try state.admit(boot: boot, mutating: true, path: directory)
            var path = directory
            while path != "/" && path != "." {
                guard state.entries[path] == nil else {
                    throw LogError(.io, "mkdir failed: a file is in the way", file: path, errno: SimulatedErrno.exists)
                }
                state.directories.insert(path)
                path = parentDirectory(path)
            }
        }
    }

    public func exists(_ path: String) -> Bool {
        (try? disk.withState { (state) throws(LogError) -> Bool in
            try state.admit(boot: boot, mutating: false, path: path)
            return state.entries[path] != nil || state.directories.contains(normalizedDirectory(path))
        }) ?? false
    }

    public func lock(_ path: String) throws(LogError) -> any StorageLock {
        try disk.withState { (state) throws(LogError) in
            try state.admit(boot: boot, mutating: false, path: path)
            guard state.locks[path] == nil else {
                throw LogError(.conflict, "the store is already open for writing (lock held on \(path))", file: path)
            }
            if state.entries[path] == nil {
                state.nodes[state.nextNodeID] = SimulatedNode()
                state.entries[path] = state.nextNodeID
                state.nextNodeID += 1
            }
            state.locks[path] = boot
        }
        return SimulatedLock(disk: disk, boot: boot, path: path)
    }
}

/// A lock on one path, held until released or until its boot crashes.
final class SimulatedLock: StorageLock {
    let disk: SimulatedDisk
    let boot: Int
    let path: String

    init(disk: SimulatedDisk, boot: Int, path: String) {
        self.disk = disk
        self.boot = boot
        self.path = path
    }

    func release() {
        try! disk.withState { (state) throws(LogError) in
            // A crash already freed it, and a later boot may hold it now: leave that one alone.
            if state.locks[path] == boot && state.boot == boot { state.locks[path] = nil }
        }
    }
}
