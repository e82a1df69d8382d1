import AnnalsLog

/// Little-endian loads and stores for the stream layer's files (docs/FORMAT-streams.md).
/// Every multi-byte integer these files hold goes through them.
extension UnsafeRawBufferPointer {
    @inline(__always)
    func readLE<T: FixedWidthInteger>(at offset: Int, as type: T.Type = T.self) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "load out of bounds")
        return T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

/// A growing byte buffer that writes little-endian integers.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(bytes more: some Collection<UInt8>) { bytes.append(contentsOf: more) }

    /// Overwrites a u32 already written at `offset`.
    mutating func patch(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count, "patch out of bounds")
        withUnsafeBytes(of: value.littleEndian) { source in
            for index in 0..<4 { bytes[offset + index] = source[index] }
        }
    }

    var count: Int { bytes.count }
}

/// File helpers over the core's `StorageFileSystem` seam.
enum StoreFiles {
    static func path(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Reads a whole file, or nil if it is missing or unreadable (derived files are then rebuilt).
    static func readAll(_ fileSystem: any StorageFileSystem, _ path: String) -> [UInt8]? {
        guard fileSystem.exists(path), let file = try? fileSystem.open(path, writable: false) else { return nil }
        defer { file.close() }
        guard let size = try? file.size() else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { raw -> Int in
                (try? file.read(at: UInt64(done), into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]))) ?? -1
            }
            guard count > 0 else { return nil }
            done += count
        }
        return bytes
    }

    /// Maps a whole file read-only, or nil if it is missing, empty or unmappable.
    static func map(_ fileSystem: any StorageFileSystem, _ path: String) -> MappedRegion? {
        guard fileSystem.exists(path), let file = try? fileSystem.open(path, writable: false) else { return nil }
        defer { file.close() }
        guard let size = try? file.size(), size > 0 else { return nil }
        return try? file.map(length: Int(size))
    }

    /// Replaces `name` atomically: temp file, fsync (when `durable`), rename, directory fsync
    /// (when `durable`). Without the syncs a crash may leave the old file, none, or a torn one.
    static func replace(
        _ fileSystem: any StorageFileSystem, directory: String, name: String, bytes: [UInt8], durable: Bool
    ) throws(LogError) {
        let temporary = path(directory, name + SegmentFileName.temporarySuffix)
        if fileSystem.exists(temporary) { try fileSystem.remove(temporary) }
        let file = try fileSystem.create(temporary)
        do throws(LogError) {
            try bytes.withBytes { (raw) throws(LogError) in try file.write(at: 0, raw) }
            if durable { try file.sync() }
        } catch {
            file.close()
            try? fileSystem.remove(temporary)
            throw error
        }
        file.close()
        try fileSystem.rename(temporary, to: path(directory, name))
        if durable { try fileSystem.syncDirectory(directory) }
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps a typed error.
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws(LogError) -> T) throws(LogError) -> T {
        let result: Result<T, LogError> = self.withUnsafeBytes { raw in
            do throws(LogError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
