/// The `CLEAN` file (FORMAT.md §5), written by `close()` after the final sync. Its presence tells
/// recovery the store was closed cleanly, so any bad record before `activeEndOffset` is
/// corruption, never a torn tail. Open deletes it before accepting writes.
struct CleanShutdownMarker: Equatable, Sendable {
    enum Layout {
        static let magic = 0            // u32 "ANCS"
        static let version = 4          // u16
        // 6..<8 reserved
        static let nextPosition = 8     // u64 the position the next append would get
        static let activeBase = 16      // u64 the active segment's base position
        static let activeEndOffset = 24 // u64 end of the active segment's data
        // 32..<60 reserved, zero
        static let checksum = 60        // u32 CRC32C over 0..<60
    }

    var nextPosition: LogPosition
    var activeBase: LogPosition
    var activeEndOffset: UInt64

    /// True when the fields agree with each other: the active segment starts at or after
    /// position 1, its data ends after its header, and the next position is not before its base.
    var isConsistent: Bool {
        activeBase >= .first && nextPosition >= activeBase && activeEndOffset >= UInt64(Format.segmentHeaderBytes)
    }

    /// The marker's bytes. Pair assertion: only a consistent marker is written, and it must
    /// decode back to itself; `LogRecovery` checks consistency again after reading it.
    func encode() -> [UInt8] {
        precondition(isConsistent, "a clean-shutdown marker's fields agree")
        var bytes = [UInt8](repeating: 0, count: Format.cleanShutdownBytes)
        bytes.withUnsafeMutableBytes { out in
            out.storeLE(Format.cleanShutdownMagic, at: Layout.magic)
            out.storeLE(Format.cleanShutdownFormatVersion, at: Layout.version)
            out.storeLE(nextPosition.rawValue, at: Layout.nextPosition)
            out.storeLE(activeBase.rawValue, at: Layout.activeBase)
            out.storeLE(activeEndOffset, at: Layout.activeEndOffset)
            out.storeLE(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: out[0..<Layout.checksum])), at: Layout.checksum)
        }
        precondition(bytes.withUnsafeBytes { Self.decode($0) } == self, "a clean-shutdown marker round-trips")
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> CleanShutdownMarker? {
        guard bytes.count == Format.cleanShutdownBytes,
              bytes.loadLE(at: Layout.checksum, as: UInt32.self)
                == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<Layout.checksum])),
              bytes.loadLE(at: Layout.magic, as: UInt32.self) == Format.cleanShutdownMagic,
              bytes.loadLE(at: Layout.version, as: UInt16.self) == Format.cleanShutdownFormatVersion
        else { return nil }
        return CleanShutdownMarker(
            nextPosition: LogPosition(bytes.loadLE(at: Layout.nextPosition, as: UInt64.self)),
            activeBase: LogPosition(bytes.loadLE(at: Layout.activeBase, as: UInt64.self)),
            activeEndOffset: bytes.loadLE(at: Layout.activeEndOffset, as: UInt64.self))
    }
}
