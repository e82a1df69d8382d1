/// What the writer has made durable, as it publishes it to read-only openers in other
/// processes through the `HEAD` file (FORMAT.md §9).
///
/// Invariant: every record before `durableNext` is complete, valid and synced, and lies in a
/// segment at or before `activeBase`; in the active segment it ends at or before
/// `activeDurableEnd`. A reader that reads no further can never see what a crash could take back.
public struct DurableHead: Equatable, Sendable {
    enum Layout {
        static let magic = 0             // u32 "ANHD"
        static let version = 4           // u16
        // 6..<8 reserved, zero
        static let sequence = 8          // u64 grows by one per publication, across writers
        static let writerID = 16         // u64 random, new at each writer open
        static let durableNext = 24      // u64 the position after the last durable record
        static let activeBase = 32       // u64 the active segment's base
        static let activeDurableEnd = 40 // u64 the end of durable data in the active segment
        // 48..<60 reserved, zero
        static let checksum = 60         // u32 CRC32C over 0..<60
    }

    /// Orders publications: the slot with the higher valid sequence is the current one.
    public var sequence: UInt64
    /// Tells one writer's publications from the next one's.
    public var writerID: UInt64
    /// The position after the last durable record: readers see everything before it.
    public var durableNext: LogPosition
    /// The base position of the active segment.
    public var activeBase: LogPosition
    /// The byte offset in the active segment where its durable data ends.
    public var activeDurableEnd: UInt64

    /// A head with these fields, as the writer publishes it.
    public init(sequence: UInt64, writerID: UInt64, durableNext: LogPosition, activeBase: LogPosition, activeDurableEnd: UInt64) {
        self.sequence = sequence
        self.writerID = writerID
        self.durableNext = durableNext
        self.activeBase = activeBase
        self.activeDurableEnd = activeDurableEnd
    }

    /// True when the fields agree: the active segment starts at or after position 1, the
    /// durable end is not before its base, and its data end lies after the header.
    var isConsistent: Bool {
        activeBase >= .first && durableNext >= activeBase && activeDurableEnd >= UInt64(Format.segmentHeaderBytes)
            && activeDurableEnd % UInt64(Format.recordAlignmentBytes) == 0
    }

    /// One slot's bytes. Pair assertion: only a consistent head is written, and it decodes
    /// back to itself; readers check consistency again after reading.
    func encode() -> [UInt8] {
        precondition(isConsistent, "a durable head's fields agree")
        var bytes = [UInt8](repeating: 0, count: Format.headSlotBytes)
        bytes.withUnsafeMutableBytes { out in
            out.storeLE(Format.headMagic, at: Layout.magic)
            out.storeLE(Format.headFormatVersion, at: Layout.version)
            out.storeLE(sequence, at: Layout.sequence)
            out.storeLE(writerID, at: Layout.writerID)
            out.storeLE(durableNext.rawValue, at: Layout.durableNext)
            out.storeLE(activeBase.rawValue, at: Layout.activeBase)
            out.storeLE(activeDurableEnd, at: Layout.activeDurableEnd)
            out.storeLE(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: out[0..<Layout.checksum])), at: Layout.checksum)
        }
        precondition(bytes.withUnsafeBytes { Self.decode($0) } == self, "a durable head round-trips")
        return bytes
    }

    /// Decodes one slot; nil when it is torn, flipped, foreign or inconsistent.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> DurableHead? {
        guard bytes.count == Format.headSlotBytes,
              bytes.loadLE(at: Layout.checksum, as: UInt32.self)
                == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<Layout.checksum])),
              bytes.loadLE(at: Layout.magic, as: UInt32.self) == Format.headMagic,
              bytes.loadLE(at: Layout.version, as: UInt16.self) == Format.headFormatVersion
        else { return nil }
        let head = DurableHead(
            sequence: bytes.loadLE(at: Layout.sequence, as: UInt64.self),
            writerID: bytes.loadLE(at: Layout.writerID, as: UInt64.self),
            durableNext: LogPosition(bytes.loadLE(at: Layout.durableNext, as: UInt64.self)),
            activeBase: LogPosition(bytes.loadLE(at: Layout.activeBase, as: UInt64.self)),
            activeDurableEnd: bytes.loadLE(at: Layout.activeDurableEnd, as: UInt64.self))
        return head.isConsistent ? head : nil
    }
}
