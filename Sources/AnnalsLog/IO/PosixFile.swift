#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A file descriptor behind the `StorageFile` seam. All I/O is positional, so one handle is
/// shared safely by a writer and many readers.
final class PosixFile: StorageFile, @unchecked Sendable {
    let path: String
    // The descriptor is immutable until `close()`, which callers invoke only once no one reads.
    private let descriptor: FileDescriptor

    init(path: String, descriptor: FileDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(LogError) -> Int {
        var done = 0
        while done < buffer.count {
            let part = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            let count = pread(descriptor.rawValue, part.baseAddress, part.count, off_t(offset) + off_t(done))
            if count < 0 {
                if errno == EINTR { continue }
                throw posixError(path, "pread at \(offset + UInt64(done))")
            }
            if count == 0 { break }
            done += count
        }
        return done
    }

    func write(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) throws(LogError) {
        var done = 0
        while done < bytes.count {
            let part = UnsafeRawBufferPointer(rebasing: bytes[done...])
            let count = pwrite(descriptor.rawValue, part.baseAddress, part.count, off_t(offset) + off_t(done))
            if count < 0 {
                if errno == EINTR { continue }
                throw posixError(path, "pwrite at \(offset + UInt64(done))")
            }
            done += count
        }
    }

    func sync() throws(LogError) {
        while fdatasync(descriptor.rawValue) != 0 {
            if errno == EINTR { continue }
            throw posixError(path, "fdatasync")
        }
    }

    func size() throws(LogError) -> UInt64 {
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0 else { throw posixError(path, "fstat") }
        return UInt64(info.st_size)
    }

    func truncate(to size: UInt64) throws(LogError) {
        guard ftruncate(descriptor.rawValue, off_t(size)) == 0 else { throw posixError(path, "ftruncate") }
    }

    func map(length: Int) throws(LogError) -> MappedRegion {
        precondition(length >= 0, "negative map length")
        if length == 0 { return MappedRegion.copying([]) }
        guard let base = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor.rawValue, 0), base != MAP_FAILED else {
            throw posixError(path, "mmap")
        }
        return MappedRegion(bytes: UnsafeRawBufferPointer(start: base, count: length)) { region in
            munmap(UnsafeMutableRawPointer(mutating: region.baseAddress), region.count)
        }
    }

    func close() {
        try? descriptor.close()
    }
}
