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
    /// Tags (§3 "Tags"): at most this many per record, each 1...`tagBytesMax` UTF-8 bytes.
    static let tagsPerRecordMax = 32
    static let tagBytesMax = 255
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

    // MARK: §9 Head file

    /// "ANHD": ANnals HeaD, each of the `HEAD` file's two slots.
    static let headMagic: UInt32 = 0x4448_4E41
    static let headFormatVersion: UInt16 = 1
    static let headSlotBytes = 64
    static let headSlots = 2

    // MARK: §6 Sealed segment

    /// "ANLS": ANnals Log Sealed, the 64-byte header at offset 0 of a `.sealed` file. The
    /// footer and trailer get their own magics so each part names itself in a hex dump.
    static let sealedHeaderMagic: UInt32 = 0x534C_4E41
    /// "ANSF": ANnals Sealed Footer.
    static let sealedFooterMagic: UInt32 = 0x4653_4E41
    /// "ANSE": ANnals Sealed End, the trailer in the file's last 32 bytes.
    static let sealedTrailerMagic: UInt32 = 0x4553_4E41
    /// One version for header, footer and trailer: they change together.
    static let sealedFormatVersion: UInt16 = 1
    static let sealedHeaderBytes = 64
    static let sealedHeaderChecksumOffset = 60
    static let sealedFooterBytes = 128
    static let sealedFooterChecksumOffset = 124
    static let sealedTrailerBytes = 32
    static let sealedTrailerChecksumOffset = 28
    static let sealedBlockIndexEntryBytes = 32
    /// Codec 1: each block is one LZ4 block (the raw format, no frame), whatever the level
    /// the writer used; LZ4 and LZ4HC output decode with the same function. 0 is never valid.
    static let sealedCodecLZ4Block: UInt8 = 1
    /// Blocks close before they pass this many raw bytes (a larger record gets a block of its
    /// own). 256 KiB was chosen by measurement on the shared workload (§6, "why").
    static let sealedBlockBytesDefault = 256 * 1024
    static let sealedBlockBytesMin = 4 * 1024
    /// LZ4's own input limit is about 2 GiB; 64 MiB keeps one block's buffers modest.
    static let sealedBlockBytesMax = 64 * 1024 * 1024
    /// LZ4HC level used by default when sealing; 0 means plain (fast) LZ4. Chosen by measurement (§6).
    static let sealedCompressionLevelDefault = 2
    static let sealedCompressionLevelMax = 12

    // MARK: §1 Store limits

    /// The smallest and largest segment a store may be configured with.
    static let segmentBytesMin = 4096
    /// 1 GiB keeps every in-segment offset and relative position inside a UInt32.
    static let segmentBytesMax = 1 << 30
    static let segmentBytesDefault = 64 * 1024 * 1024
    /// Positions start here; 0 means "before the first record".
    static let firstPosition: UInt64 = 1
}
