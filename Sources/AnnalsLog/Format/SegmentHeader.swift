/// The 64-byte header at the start of every raw segment file (FORMAT.md §2).
struct SegmentHeader: Equatable, Sendable {
    enum Layout {
        static let magic = 0           // u32 "ANLG"
        static let version = 4         // u16
        static let headerBytes = 6     // u16, 64
        static let basePosition = 8    // u64 position of the segment's first record
        static let capacityBytes = 16  // u64 size at which this segment rolls
        static let createdAt = 24      // i64 nanoseconds since 1970
        // 32..<60 reserved, zero
        static let checksum = 60       // u32 CRC32C over bytes 0..<60
    }

    var basePosition: LogPosition
    var capacityBytes: UInt64
    var createdAt: Int64

    /// The header's bytes. Pair assertion: what is written must be what `decode` accepts and
    /// gives back, so a header the core writes can never fail its own read.
    func encode() -> [UInt8] {
        precondition(basePosition >= .first, "a segment starts at position 1 or later")
        precondition(capacityBytes >= UInt64(Format.segmentBytesMin) && capacityBytes <= UInt64(Format.segmentBytesMax),
                     "segment capacity within the format's limits")
        var bytes = [UInt8](repeating: 0, count: Format.segmentHeaderBytes)
        bytes.withUnsafeMutableBytes { out in
            out.storeLE(Format.segmentMagic, at: Layout.magic)
            out.storeLE(Format.segmentFormatVersion, at: Layout.version)
            out.storeLE(UInt16(Format.segmentHeaderBytes), at: Layout.headerBytes)
            out.storeLE(basePosition.rawValue, at: Layout.basePosition)
            out.storeLE(capacityBytes, at: Layout.capacityBytes)
            out.storeLE(createdAt, at: Layout.createdAt)
            let covered = UnsafeRawBufferPointer(rebasing: out[0..<Layout.checksum])
            out.storeLE(CRC32C.checksum(covered), at: Layout.checksum)
        }
        precondition(bytes.withUnsafeBytes { try? Self.decode($0, file: "") } == self, "a segment header round-trips")
        return bytes
    }

    /// Decodes and checks a header; `file` names the file in any error.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(LogError) -> SegmentHeader {
        guard bytes.count >= Format.segmentHeaderBytes else {
            throw .corruption("segment header is \(bytes.count) bytes, expected \(Format.segmentHeaderBytes)", file: file, offset: 0)
        }
        let stored = bytes.loadLE(at: Layout.checksum, as: UInt32.self)
        let covered = UnsafeRawBufferPointer(rebasing: bytes[0..<Layout.checksum])
        guard CRC32C.checksum(covered) == stored else {
            throw .corruption("segment header checksum mismatch", file: file, offset: 0)
        }
        guard bytes.loadLE(at: Layout.magic, as: UInt32.self) == Format.segmentMagic else {
            throw .corruption("not a segment file (bad magic)", file: file, offset: UInt64(Layout.magic))
        }
        let version = bytes.loadLE(at: Layout.version, as: UInt16.self)
        guard version == Format.segmentFormatVersion else {
            throw .corruption("unsupported segment format version \(version)", file: file, offset: UInt64(Layout.version))
        }
        guard Int(bytes.loadLE(at: Layout.headerBytes, as: UInt16.self)) == Format.segmentHeaderBytes else {
            throw .corruption("unexpected segment header size", file: file, offset: UInt64(Layout.headerBytes))
        }
        let capacity = bytes.loadLE(at: Layout.capacityBytes, as: UInt64.self)
        guard capacity >= UInt64(Format.segmentBytesMin), capacity <= UInt64(Format.segmentBytesMax) else {
            throw .corruption("segment capacity \(capacity) out of range", file: file, offset: UInt64(Layout.capacityBytes))
        }
        return SegmentHeader(
            basePosition: LogPosition(bytes.loadLE(at: Layout.basePosition, as: UInt64.self)),
            capacityBytes: capacity,
            createdAt: bytes.loadLE(at: Layout.createdAt, as: Int64.self))
    }
}

extension SegmentHeader {
    /// Reads and checks the header of the segment file `name`, which must start at `base`.
    static func check(_ file: any StorageFile, name: String, base: LogPosition) throws(LogError) {
        var bytes = [UInt8](repeating: 0, count: Format.segmentHeaderBytes)
        try bytes.withMutableBytes { (raw) throws(LogError) in try file.readExactly(at: 0, into: raw, file: name) }
        let header = try bytes.withBytes { (raw) throws(LogError) in try SegmentHeader.decode(raw, file: name) }
        guard header.basePosition == base else {
            throw .corruption("header says base \(header.basePosition) but the file name says \(base)", file: name, offset: 8)
        }
    }
}
