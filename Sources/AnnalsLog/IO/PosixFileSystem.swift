#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// The real file system: pread, pwrite, fdatasync, fsync on directories, flock and mmap.
public struct PosixFileSystem: StorageFileSystem {
    /// The real file system.
    public init() {}

    public func open(_ path: String, writable: Bool) throws(LogError) -> any StorageFile {
        let fd = try posixCall(path, "open") {
            try FileDescriptor.open(FilePath(path), writable ? .readWrite : .readOnly, options: [.closeOnExec])
        }
        return PosixFile(path: path, descriptor: fd)
    }

    public func create(_ path: String) throws(LogError) -> any StorageFile {
        let fd = try posixCall(path, "create") {
            try FileDescriptor.open(
                FilePath(path), .readWrite, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        }
        return PosixFile(path: path, descriptor: fd)
    }

    /// Deletes the file at `path`.
    public func remove(_ path: String) throws(LogError) {
        guard unlink(path) == 0 else { throw posixError(path, "unlink") }
    }

    public func rename(_ source: String, to destination: String) throws(LogError) {
        guard Glibc.rename(source, destination) == 0 else { throw posixError(source, "rename to \(destination)") }
    }

    public func syncDirectory(_ directory: String) throws(LogError) {
        let fd = try posixCall(directory, "open directory") {
            try FileDescriptor.open(FilePath(directory), .readOnly, options: [.directory, .closeOnExec])
        }
        defer { try? fd.close() }
        guard fsync(fd.rawValue) == 0 else { throw posixError(directory, "fsync directory") }
    }

    public func list(_ directory: String) throws(LogError) -> [String] {
        guard let handle = opendir(directory) else { throw posixError(directory, "opendir") }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func createDirectory(_ directory: String) throws(LogError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw posixError(prefix, "mkdir") }
        }
    }

    /// True when something exists at `path`.
    public func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public func lock(_ path: String) throws(LogError) -> any StorageLock {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw posixError(path, "open lock file") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            Glibc.close(fd)
            if code == EWOULDBLOCK {
                throw LogError(.conflict, "the store is already open for writing by another process (lock held on \(path))", file: path)
            }
            throw LogError(.io, "flock failed", file: path, errno: code)
        }
        // Record who holds it, for a person looking at the file; the flock is what counts.
        let note = Array("pid \(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = note.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return PosixLock(descriptor: fd)
    }
}

final class PosixLock: StorageLock, @unchecked Sendable {
    // Guarded by being released once: `release` is idempotent through `released`.
    private var descriptor: Int32
    private let mutex = PosixMutex()

    init(descriptor: Int32) { self.descriptor = descriptor }

    func release() {
        mutex.withLock {
            guard descriptor >= 0 else { return }
            _ = flock(descriptor, LOCK_UN)
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    deinit { release() }
}

func posixError(_ path: String, _ operation: String) -> LogError {
    let code = errno
    let reason = String(cString: strerror(code))
    let kind: LogError.Code = code == ENOENT ? .notFound : .io
    return LogError(kind, "\(operation) failed: \(reason)", file: path, errno: code)
}

func posixCall<T>(_ path: String, _ operation: String, _ body: () throws -> T) throws(LogError) -> T {
    do {
        return try body()
    } catch let error as Errno {
        let kind: LogError.Code = error == .noSuchFileOrDirectory ? .notFound : .io
        throw LogError(kind, "\(operation) failed: \(error)", file: path, errno: error.rawValue)
    } catch {
        throw LogError(.io, "\(operation) failed: \(error)", file: path)
    }
}
