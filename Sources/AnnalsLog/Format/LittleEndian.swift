/// Little-endian loads and stores at byte offsets. Every multi-byte integer on disk goes through
/// these, so host byte order can never leak into a file.
extension UnsafeRawBufferPointer {
    @inline(__always)
    func loadLE<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "load out of bounds")
        return T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always)
    func storeLE<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "store out of bounds")
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }
}

/// Rounds `value` up to the next multiple of `alignment`, a power of two.
@inline(__always)
func alignUp(_ value: Int, to alignment: Int) -> Int {
    precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
    return (value + alignment - 1) & ~(alignment - 1)
}
