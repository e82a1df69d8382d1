import AnnalsLog

/// One write or truncation that reached the page cache but not yet the disk.
enum PendingChange: Sendable {
    case write(offset: Int, bytes: [UInt8])
    case truncate(size: Int)

    /// Applies the change, or only its first `limit` bytes for a write (a torn write).
    func apply(to contents: inout [UInt8], limit: Int? = nil) {
        switch self {
        case .write(let offset, let bytes):
            let count = min(limit ?? bytes.count, bytes.count)
            guard count > 0 else { return }
            if contents.count < offset + count {
                contents += [UInt8](repeating: 0, count: offset + count - contents.count)
            }
            // A raw copy: element-wise replacement is far too slow in debug builds.
            contents.withUnsafeMutableBytes { target in
                bytes.withUnsafeBytes { source in
                    target.baseAddress!.advanced(by: offset).copyMemory(from: source.baseAddress!, byteCount: count)
                }
            }
        case .truncate(let size):
            if size < contents.count {
                contents.removeLast(contents.count - size)
            } else {
                contents += [UInt8](repeating: 0, count: size - contents.count)
            }
        }
    }

    var byteCount: Int {
        switch self {
        case .write(_, let bytes): bytes.count
        case .truncate: 0
        }
    }
}

/// A file's contents twice over: as the page cache holds them (`volatile`, what reads see)
/// and as stable storage holds them (`durable`). Invariant: applying `unsynced` to `durable`
/// gives `volatile`, except for changes a failed sync lost (Linux marks them clean).
struct SimulatedNode: Sendable {
    var volatile: [UInt8] = []
    var durable: [UInt8] = []
    var unsynced: [PendingChange] = []
}

/// The whole simulated machine: files, directory entries, locks, the fault plan and the seeded
/// generator. All of it sits behind one mutex, so every operation is atomic, and a crash is a
/// single instant between two operations.
struct DiskState: Sendable {
    var nodes: [Int: SimulatedNode] = [:]
    var nextNodeID = 1
    /// Path to node, as the running system sees it (created, renamed, removed).
    var entries: [String: Int] = [:]
    /// Path to node, as the disk holds it: changed only by `syncDirectory` of the parent.
    var durableEntries: [String: Int] = [:]
    /// Directories as the running system sees them (made by `createDirectory`).
    var directories: Set<String> = ["/"]
    /// Directories as the disk holds them: a directory becomes durable only when its parent is
    /// synced, like any other entry. A crash loses the rest, and every entry below them.
    var durableDirectories: Set<String> = ["/"]
    /// Locked paths, and the boot that holds each.
    var locks: [String: Int] = [:]
    /// Which boot of the machine is running; handles of an earlier boot are dead.
    var boot = 1
    /// True between a crash and the next `reboot`: nothing may run.
    var halted = false
    /// Mutating operations done so far, for `scheduleCrash(afterOperations:)`.
    var operations = 0
    var crashAtOperation: Int?
    /// For `scheduleCrash(atOperationOnPathContaining:occurrence:)`: the text a path must
    /// contain, and how many more such operations run before the one that loses power.
    var crashPathText: String?
    var crashPathRemaining = 0
    /// Whether the last crash was the one aimed at a path.
    var aimedCrashFired = false
    var freeBytes: Int?
    var random: SeededRandom
    var faults: FaultPlan
    var counters = FaultCounters()

    init(seed: UInt64, faults: FaultPlan) {
        random = SeededRandom(seed: seed)
        self.faults = faults
    }

    mutating func chance(_ probability: Double) -> Bool {
        probability > 0 && Double.random(in: 0..<1, using: &random) < probability
    }

    /// Power loss: every node falls back to its durable bytes plus (optionally) a random prefix
    /// of its unsynced changes, the last one torn at a random byte; every directory falls back
    /// to its last synced entries; locks die with the processes that held them.
    mutating func crash() {
        for id in nodes.keys.sorted() {
            var node = nodes[id]!
            var contents = node.durable
            let keep = faults.tornWritesOnCrash ? Int.random(in: 0...node.unsynced.count, using: &random) : 0
            for change in node.unsynced[0..<keep] { change.apply(to: &contents) }
            var kept = node.unsynced[0..<keep].reduce(0) { $0 + $1.byteCount }
            if keep < node.unsynced.count, faults.tornWritesOnCrash {
                let torn = node.unsynced[keep]
                let limit = Int.random(in: 0...torn.byteCount, using: &random)
                torn.apply(to: &contents, limit: limit)
                kept += limit
            }
            counters.bytesKeptInCrashes += kept
            counters.bytesLostInCrashes += node.unsynced.reduce(0) { $0 + $1.byteCount } - kept
            node.volatile = contents
            node.durable = contents
            node.unsynced = []
            nodes[id] = node
        }
        // A directory survives only if it and every ancestor reached the disk; entries below a
        // lost directory go with it, even if their own directory was synced.
        directories = durableDirectories.filter { Self.ancestorsAreDurable($0, in: durableDirectories) }
        durableDirectories = directories
        durableEntries = durableEntries.filter { directories.contains(parentDirectory($0.key)) }
        entries = durableEntries
        locks = [:]
        halted = true
        counters.crashes += 1
    }

    static func ancestorsAreDurable(_ directory: String, in durable: Set<String>) -> Bool {
        var path = directory
        while path != "/" && path != "." {
            guard durable.contains(path) else { return false }
            path = parentDirectory(path)
        }
        return true
    }

    /// Checks that `boot` may run, counts a mutating operation, and fires a scheduled crash.
    mutating func admit(boot caller: Int, mutating: Bool, path: String) throws(LogError) {
        guard caller == boot, !halted else {
            throw LogError(.io, "simulated machine lost power", file: path, errno: SimulatedErrno.io)
        }
        guard mutating else { return }
        operations += 1
        var fires = false
        if let at = crashAtOperation, operations >= at { fires = true }
        var aimed = false
        if let text = crashPathText, path.contains(text) {
            if crashPathRemaining == 0 { aimed = true } else { crashPathRemaining -= 1 }
        }
        if fires || aimed {
            aimedCrashFired = aimed
            crashAtOperation = nil
            crashPathText = nil
            crash()
            throw LogError(.io, "simulated power loss during this operation", file: path, errno: SimulatedErrno.io)
        }
    }

    /// Bytes the page cache holds over all named files, for the free-space limit.
    var usedBytes: Int {
        Set(entries.values).reduce(0) { $0 + (nodes[$1]?.volatile.count ?? 0) }
    }
}

/// errno values the simulator reports, as Linux numbers them.
public enum SimulatedErrno {
    public static let io: Int32 = 5
    public static let noSpace: Int32 = 28
    public static let exists: Int32 = 17
    public static let notFound: Int32 = 2
}

/// The shared disk behind every boot's `SimulatedFileSystem` view.
final class SimulatedDisk: Sendable {
    let state: Guarded<DiskState>

    init(seed: UInt64, faults: FaultPlan) {
        state = Guarded(DiskState(seed: seed, faults: faults))
    }

    func withState<T: Sendable>(_ body: (inout DiskState) throws(LogError) -> T) throws(LogError) -> T {
        try state.withLock { (state: inout DiskState) throws(LogError) -> T in try body(&state) }
    }
}

/// The directory part of a path ("/a/b" for "/a/b/c").
func parentDirectory(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let parent = String(path[..<slash])
    return parent.isEmpty ? "/" : parent
}

/// A path without a trailing slash, so "/a/b/" and "/a/b" name one directory.
func normalizedDirectory(_ path: String) -> String {
    var path = path
    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    return path
}
