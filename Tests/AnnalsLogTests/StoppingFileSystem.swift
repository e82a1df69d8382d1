import Synchronization
@testable import AnnalsLog

/// A file system that lets `budget` more mutating calls through (create, write, sync,
/// rename, directory sync, remove, truncate) once armed, then fails every later one: the
/// process "stopped" there, and nothing it does afterwards (cleanup included) reaches the disk.
/// Reads always pass. Small on purpose; the fault-injecting file system for torn writes and
/// lost unsynced data lives in AnnalsTestSupport.
final class StoppingFileSystem: StorageFileSystem, @unchecked Sendable {
    let inner = PosixFileSystem()
    /// Mutations still allowed; negative while disarmed.
    private let budget = Atomic<Int>(-1)
    private let stoppedFlag = Atomic<Bool>(false)

    func arm(allowing mutations: Int) { budget.store(mutations, ordering: .relaxed) }
    var stopped: Bool { stoppedFlag.load(ordering: .relaxed) }

    func mutate(_ path: String) throws(LogError) {
        if budget.load(ordering: .relaxed) < 0 { return }
        if budget.subtract(1, ordering: .relaxed).newValue < 0 {
            budget.store(0, ordering: .relaxed)
            stoppedFlag.store(true, ordering: .relaxed)
            throw LogError(.io, "stopped by the test", file: path)
        }
    }

    func open(_ path: String, writable: Bool) throws(LogError) -> any StorageFile {
        StoppingFile(try inner.open(path, writable: writable), owner: self)
    }
    func create(_ path: String) throws(LogError) -> any StorageFile {
        try mutate(path)
        return StoppingFile(try inner.create(path), owner: self)
    }
    func remove(_ path: String) throws(LogError) { try mutate(path); try inner.remove(path) }
    func rename(_ source: String, to destination: String) throws(LogError) { try mutate(source); try inner.rename(source, to: destination) }
    func syncDirectory(_ directory: String) throws(LogError) { try mutate(directory); try inner.syncDirectory(directory) }
    func list(_ directory: String) throws(LogError) -> [String] { try inner.list(directory) }
    func createDirectory(_ directory: String) throws(LogError) { try inner.createDirectory(directory) }
    func exists(_ path: String) -> Bool { inner.exists(path) }
    func lock(_ path: String) throws(LogError) -> any StorageLock { try inner.lock(path) }
}

final class StoppingFile: StorageFile, @unchecked Sendable {
    let inner: any StorageFile
    let owner: StoppingFileSystem
    var path: String { inner.path }

    init(_ inner: any StorageFile, owner: StoppingFileSystem) {
        self.inner = inner
        self.owner = owner
    }

    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(LogError) -> Int { try inner.read(at: offset, into: buffer) }
    func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(LogError) { try owner.mutate(path); try inner.write(at: offset, bytes) }
    func sync() throws(LogError) { try owner.mutate(path); try inner.sync() }
    func size() throws(LogError) -> UInt64 { try inner.size() }
    func truncate(to size: UInt64) throws(LogError) { try owner.mutate(path); try inner.truncate(to: size) }
    func map(length: Int) throws(LogError) -> MappedRegion { try inner.map(length: length) }
    func close() { inner.close() }
}
