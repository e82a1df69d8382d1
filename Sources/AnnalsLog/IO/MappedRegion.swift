/// Read-only bytes mapped from a file. The region owns its mapping and releases it when the
/// last reference goes, so a reader holding one can never touch unmapped memory.
public final class MappedRegion: @unchecked Sendable {
    // Immutable after init; the mapping is read-only, so sharing across threads is safe.
    /// The mapped bytes, valid until the region is released.
    public let bytes: UnsafeRawBufferPointer
    private let release: @Sendable (UnsafeRawBufferPointer) -> Void

    /// A region over `bytes` that calls `release` once, when it is deinitialized.
    public init(bytes: UnsafeRawBufferPointer, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.bytes = bytes
        self.release = release
    }

    /// A region that owns a heap copy of `contents`, for simulated file systems.
    public static func copying(_ contents: some Collection<UInt8>) -> MappedRegion {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(contents.count, 1), alignment: 16)
        memory.copyBytes(from: contents)
        // The release closure frees the whole allocation through the region it is handed.
        return MappedRegion(bytes: UnsafeRawBufferPointer(start: memory.baseAddress, count: contents.count)) { region in
            UnsafeMutableRawPointer(mutating: region.baseAddress)?.deallocate()
        }
    }

    deinit { release(bytes) }
}
