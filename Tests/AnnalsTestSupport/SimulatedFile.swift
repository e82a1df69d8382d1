import AnnalsLog
import Synchronization

/// An open file of a `SimulatedFileSystem`. It refers to the file's node, not its name, so a
/// rename or removal does not affect it (as with a real descriptor). It dies with its boot.
final class SimulatedFile: StorageFile {
    let disk: SimulatedDisk
    let boot: Int
    let node: Int
    let path: String
    let writable: Bool
    private let closed = Atomic<Bool>(false)

    init(disk: SimulatedDisk, boot: Int, node: Int, path: String, writable: Bool) {
        self.disk = disk
        self.boot = boot
        self.node = node
        self.path = path
        self.writable = writable
    }

    private func checkOpen() throws(LogError) {
        if closed.load(ordering: .acquiring) {
            throw LogError(.io, "use of a closed file", file: path, errno: 9)
        }
    }

    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(LogError) -> Int {
        try checkOpen()
        let bytes = try disk.withState { (state) throws(LogError) -> [UInt8] in
            try state.admit(boot: boot, mutating: false, path: path)
            let contents = state.nodes[node]!.volatile
            guard offset < UInt64(contents.count), buffer.count > 0 else { return [] }
            var count = min(buffer.count, contents.count - Int(offset))
            if count > 1, state.faults.appliesTo(path), state.chance(state.faults.shortRead) {
                count = Int.random(in: 1..<count, using: &state.random)
                state.counters.shortReads += 1
            }
            return Array(contents[Int(offset)..<(Int(offset) + count)])
        }
        buffer.copyBytes(from: bytes)
        return bytes.count
    }

    func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(LogError) {
        try checkOpen()
        precondition(writable, "write to a file opened read-only: \(path)")
        let data = Array(bytes)
        try disk.withState { (state) throws(LogError) in
            try state.admit(boot: boot, mutating: true, path: path)
            try Self.write(data, at: Int(offset), node: node, path: path, state: &state)
        }
    }

    /// Writes `data`, or the part the fault plan or the free space allows before failing.
    private static func write(_ data: [UInt8], at offset: Int, node: Int, path: String, state: inout DiskState) throws(LogError) {
        var failure: LogError?
        var injected = true
        var count = data.count
        let faulty = state.faults.appliesTo(path)
        if faulty, state.chance(state.faults.writeNoSpace) {
            state.counters.noSpaceWrites += 1
            failure = LogError(.io, "pwrite failed: no space left on device (injected)", file: path, errno: SimulatedErrno.noSpace)
        } else if faulty, state.chance(state.faults.writeIOError) {
            state.counters.ioErrorWrites += 1
            failure = LogError(.io, "pwrite failed: input/output error (injected)", file: path, errno: SimulatedErrno.io)
        } else if let free = state.freeBytes {
            let growth = max(0, offset + data.count - state.nodes[node]!.volatile.count)
            if state.usedBytes + growth > free {
                state.counters.noSpaceWrites += 1
                injected = false
                count = max(0, data.count - (state.usedBytes + growth - free))
                failure = LogError(.io, "pwrite failed: no space left on device", file: path, errno: SimulatedErrno.noSpace)
            }
        }
        if failure != nil, injected {
            count = state.faults.partialFailedWrites && data.count > 0 ? Int.random(in: 0..<data.count, using: &state.random) : 0
        }
        if count > 0 {
            let change = PendingChange.write(offset: offset, bytes: Array(data[0..<count]))
            change.apply(to: &state.nodes[node]!.volatile)
            state.nodes[node]!.unsynced.append(change)
        }
        if let failure { throw failure }
    }

    func sync() throws(LogError) {
        try checkOpen()
        try disk.withState { (state) throws(LogError) in
            try state.admit(boot: boot, mutating: true, path: path)
            if state.faults.appliesTo(path), state.chance(state.faults.syncFailure) {
                state.counters.syncFailures += 1
                if state.faults.syncFailureLosesData { state.nodes[node]!.unsynced = [] }
                throw LogError(.io, "fdatasync failed: input/output error (injected)", file: path, errno: SimulatedErrno.io)
            }
            var node = state.nodes[self.node]!
            for change in node.unsynced { change.apply(to: &node.durable) }
            node.unsynced = []
            state.nodes[self.node] = node
        }
    }

    func size() throws(LogError) -> UInt64 {
        try checkOpen()
        return try disk.withState { (state) throws(LogError) -> UInt64 in
            try state.admit(boot: boot, mutating: false, path: path)
            return UInt64(state.nodes[node]!.volatile.count)
        }
    }

    func truncate(to size: UInt64) throws(LogError) {
        try checkOpen()
        precondition(writable, "truncate of a file opened read-only: \(path)")
        try disk.withState { (state) throws(LogError) in
            try state.admit(boot: boot, mutating: true, path: path)
            let change = PendingChange.truncate(size: Int(size))
            change.apply(to: &state.nodes[node]!.volatile)
            state.nodes[node]!.unsynced.append(change)
        }
    }

    func map(length: Int) throws(LogError) -> MappedRegion {
        try checkOpen()
        precondition(length >= 0, "negative map length")
        let bytes = try disk.withState { (state) throws(LogError) -> [UInt8] in
            try state.admit(boot: boot, mutating: false, path: path)
            let contents = state.nodes[node]!.volatile
            guard length <= contents.count else {
                // A real mapping past the end of the file faults on access (SIGBUS); refuse it.
                throw LogError(.io, "mmap of \(length) bytes past the end of a \(contents.count)-byte file", file: path)
            }
            return Array(contents[0..<length])
        }
        return MappedRegion.copying(bytes)
    }

    func close() {
        closed.store(true, ordering: .releasing)
    }
}
