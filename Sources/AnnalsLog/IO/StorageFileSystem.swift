/// The one seam all file I/O of the core goes through. `PosixFileSystem` is the real one;
/// tests plug in a simulated one that tears writes, drops unsynced data and injects errors.
/// Paths are plain strings: a directory and a file name joined with "/".
public protocol StorageFileSystem: Sendable {
    /// Opens an existing file for reading, and for writing when `writable`.
    func open(_ path: String, writable: Bool) throws(LogError) -> any StorageFile
    /// Creates a new, empty file for reading and writing; fails if it exists.
    func create(_ path: String) throws(LogError) -> any StorageFile
    /// Deletes the file at `path`; fails with `.notFound` if there is none.
    func remove(_ path: String) throws(LogError)
    /// Atomically replaces `destination` with `source`.
    func rename(_ source: String, to destination: String) throws(LogError)
    /// Makes creations, renames and removals inside `directory` durable.
    func syncDirectory(_ directory: String) throws(LogError)
    /// The names (not paths) of the entries in `directory`.
    func list(_ directory: String) throws(LogError) -> [String]
    /// Creates `directory` and any missing parents.
    func createDirectory(_ directory: String) throws(LogError)
    /// True when a file or directory exists at `path`.
    func exists(_ path: String) -> Bool
    /// Takes an exclusive, non-blocking lock on `path` (created if missing), held until the
    /// returned lock is released or the process exits. Fails with `.conflict` if held elsewhere.
    func lock(_ path: String) throws(LogError) -> any StorageLock
}

/// An open file. Offsets are absolute; there is no file cursor to share between threads.
public protocol StorageFile: AnyObject, Sendable {
    /// The path the file was opened or created at.
    var path: String { get }
    /// Reads up to `buffer.count` bytes at `offset` and returns how many it read. It may return
    /// fewer than asked before the end of the file (a short read); 0 means end of file.
    /// Callers use `readFully`, which loops.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(LogError) -> Int
    /// Writes all of `bytes` at `offset`, extending the file if needed.
    func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(LogError)
    /// fdatasync: the file's data (and the size needed to read it) reach stable storage.
    func sync() throws(LogError)
    /// The file's size in bytes.
    func size() throws(LogError) -> UInt64
    /// Cuts the file to `size` bytes (or extends it with zeros).
    func truncate(to size: UInt64) throws(LogError)
    /// Maps the first `length` bytes read-only. The file must not shrink below `length` while mapped.
    func map(length: Int) throws(LogError) -> MappedRegion
    /// Closes the file; no call may follow.
    func close()
}

/// An exclusive lock on a store's `LOCK` file, held until released.
public protocol StorageLock: AnyObject, Sendable {
    /// Releases the lock.
    func release()
}

extension StorageFile {
    /// Reads until `buffer` is full or the file ends; returns the bytes read. Short reads are
    /// retried, so a smaller result always means end of file.
    func readFully(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(LogError) -> Int {
        var done = 0
        while done < buffer.count {
            let count = try read(at: offset + UInt64(done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            if count == 0 { break }
            done += count
        }
        return done
    }

    /// Reads exactly `buffer.count` bytes or throws `.corruption` naming the short read.
    func readExactly(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer, file: String) throws(LogError) {
        var done = 0
        while done < buffer.count {
            let part = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            let count = try read(at: offset + UInt64(done), into: part)
            guard count > 0 else {
                throw .corruption("file ends after \(offset + UInt64(done)) bytes, expected \(buffer.count) more", file: file, offset: offset + UInt64(done))
            }
            done += count
        }
    }

    func write(at offset: UInt64, _ bytes: [UInt8]) throws(LogError) {
        try bytes.withBytes { (raw) throws(LogError) in try write(at: offset, raw) }
    }

    /// Reads the whole file into memory.
    func readAll() throws(LogError) -> [UInt8] {
        let length = Int(try size())
        var bytes = [UInt8](repeating: 0, count: length)
        let count = try bytes.withMutableBytes { (out) throws(LogError) -> Int in try readFully(at: 0, into: out) }
        return Array(bytes[0..<count])
    }
}

/// Joins a directory and a name.
func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// The directory that holds `path` ("/a/b" for "/a/b/c", "/" for "/a", "." for a bare name).
func parentDirectory(of path: String) -> String {
    var path = path
    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let parent = String(path[..<slash])
    return parent.isEmpty ? "/" : parent
}
