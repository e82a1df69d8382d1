internal import CLZ4

/// LZ4 block compression for sealed segments (FORMAT.md §6). A compressor owns its LZ4 state,
/// so one sealer compresses many blocks without allocating; it is used by one thread at a time.
/// Decompression is `LZ4_decompress_safe` only: it never reads or writes out of bounds,
/// whatever the input, so damaged blocks give an error and never a trap.
final class LZ4Compressor {
    /// 0 selects plain LZ4 (acceleration 1); 1...12 select LZ4HC at that level.
    let level: Int
    private let state: UnsafeMutableRawPointer

    init(level: Int) {
        precondition(level >= 0 && level <= Format.sealedCompressionLevelMax, "LZ4HC level out of range")
        self.level = level
        let size = level == 0 ? Int(LZ4_sizeofState()) : Int(LZ4_sizeofStateHC())
        state = .allocate(byteCount: size, alignment: 16)
    }

    deinit { state.deallocate() }

    /// The most bytes compressing `rawBytes` can produce.
    static func bound(_ rawBytes: Int) -> Int {
        precondition(rawBytes >= 0 && rawBytes <= Format.sealedBlockBytesMax + Format.recordBytesMax, "block too large for LZ4")
        return Int(LZ4_compressBound(Int32(rawBytes)))
    }

    /// Compresses `source` into `destination` (at least `bound(source.count)` bytes) and
    /// returns the compressed length.
    func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Int {
        precondition(source.count > 0, "nothing to compress")
        precondition(destination.count >= Self.bound(source.count), "destination smaller than the LZ4 bound")
        let src = source.baseAddress!.assumingMemoryBound(to: CChar.self)
        let dst = destination.baseAddress!.assumingMemoryBound(to: CChar.self)
        let written = level == 0
            ? LZ4_compress_fast_extState(state, src, dst, Int32(source.count), Int32(destination.count), 1)
            : LZ4_compress_HC_extStateHC(state, src, dst, Int32(source.count), Int32(destination.count), Int32(level))
        // With a destination of the bound's size LZ4 cannot fail; a zero here is a bug.
        precondition(written > 0, "LZ4 compression failed with a bound-sized destination")
        return Int(written)
    }
}

enum LZ4Decoder {
    /// Decompresses `source` into `destination`, which must be exactly the expected raw size.
    /// Returns false if the bytes are not a valid LZ4 block of exactly that size.
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Bool {
        guard let src = source.baseAddress, let dst = destination.baseAddress,
              source.count > 0, source.count <= Int(Int32.max), destination.count <= Int(Int32.max)
        else { return false }
        let produced = LZ4_decompress_safe(
            src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(destination.count))
        return produced == Int32(destination.count)
    }
}
