/// Every constant of the on-disk format, in one place. Each comment names the section of
/// `docs/FORMAT.md` that defines it; the document leads and this file follows it.
/// `FormatConstantsTests` checks the relations between them (Swift has no static_assert).
enum Format {
    // MARK: §2 Segment header

    /// "ANLG" read as little-endian bytes: 'A' 'N' 'L' 'G'. ASCII so `xxd` shows what a file is;
    /// the last letter names the kind (G for log seGment, I for Index, ...).
    static let segmentMagic: UInt32 = 0x474C_4E41
    /// Bumped on any incompatible change; readers refuse versions they do not know.
    static let segmentFormatVersion: UInt16 = 1
    static let segmentHeaderBytes = 64
    /// Offset of the header's CRC32C, which covers bytes `0..<segmentHeaderChecksumOffset`.
    static let segmentHeaderChecksumOffset = 60

    // MARK: §3 Record

    static let recordHeaderBytes = 64
    /// Records start on 8-byte boundaries, so a length field never straddles a sector.
    static let recordAlignmentBytes = 8
    /// The largest record, header included (16 MiB). Enforced on append with `.invalidArgument`.
    static let recordBytesMax = 16 * 1024 * 1024
    static let streamNameBytesMax = 1024
    static let eventTypeBytesMax = 1024
    /// Flag bit 0: this record ends an append batch. Recovery keeps whole batches only.
    static let recordFlagBatchEnd: UInt16 = 0x0001
    /// Bits 1-7 are reserved for the log and must be zero; bits 8-15 belong to the layer above.
    static let recordFlagsReservedMask: UInt16 = 0x00FE
    static let recordFlagsUserMask: UInt16 = 0xFF00

    // MARK: §4 Position index

    /// "ANPI": ANnals Position Index.
    static let positionIndexMagic: UInt32 = 0x4950_4E41
    static let positionIndexFormatVersion: UInt16 = 1
    static let positionIndexHeaderBytes = 64
    static let positionIndexHeaderChecksumOffset = 60
    static let positionIndexEntryBytes = 16
    /// One index entry per this many bytes of log (and always one for a segment's first record).
    static let positionIndexIntervalBytes = 4096

    // MARK: §5 Clean-shutdown marker

    /// "ANCS": ANnals Clean Shutdown.
    static let cleanShutdownMagic: UInt32 = 0x5343_4E41
    static let cleanShutdownFormatVersion: UInt16 = 1
    static let cleanShutdownBytes = 64
    static let cleanShutdownChecksumOffset = 60

    // MARK: §1 Store limits

    /// The smallest and largest segment a store may be configured with.
    static let segmentBytesMin = 4096
    /// 1 GiB keeps every in-segment offset and relative position inside a UInt32.
    static let segmentBytesMax = 1 << 30
    static let segmentBytesDefault = 64 * 1024 * 1024
    /// Positions start here; 0 means "before the first record".
    static let firstPosition: UInt64 = 1
}
