/// One sealed block, decompressed and fully verified: every record's CRC checked, positions
/// consecutive from the index entry's first position, the records filling the block exactly.
/// Immutable once built, so the block cache shares it across threads; readers hold a
/// reference while they use views into its bytes, so eviction never frees bytes in use.
final class DecodedBlock: @unchecked Sendable {
    let entry: BlockIndexEntry
    /// The raw record bytes, exactly `entry.rawBytes`.
    let bytes: UnsafeRawBufferPointer
    /// Byte offset in `bytes` of each record, by position minus `entry.firstPosition`.
    private let offsets: [UInt32]

    var firstPosition: LogPosition { entry.firstPosition }
    var byteCount: Int { bytes.count }

    /// Takes ownership of `raw` (allocated with `allocate`) once it verifies; on failure the
    /// caller still owns it. `describe` names the block in errors.
    init(adopting raw: UnsafeMutableRawBufferPointer, entry: BlockIndexEntry, file: String, blockIndex: Int) throws(LogError) {
        precondition(raw.count == Int(entry.rawBytes), "decoded buffer must hold exactly the raw bytes")
        let bytes = UnsafeRawBufferPointer(raw)
        var offsets: [UInt32] = []
        offsets.reserveCapacity(Int(entry.recordCount))
        var cursor = 0
        var expected = entry.firstPosition
        while cursor < bytes.count {
            let failure: String
            switch RecordCodec.decode(bytes, at: cursor) {
            case .record(let view, let next) where view.position == expected && next <= bytes.count:
                offsets.append(UInt32(cursor))
                expected = expected.advanced(by: 1)
                cursor = next
                continue
            case .record(let view, _):
                failure = "expected position \(expected), found \(view.position)"
            case .endOfData:
                failure = "zeros where record \(expected) should be"
            case .truncated:
                failure = "record \(expected) runs past the end of the block"
            case .invalid(let defect):
                failure = "\(defect) at record \(expected)"
            }
            throw Self.corruption(failure, blockIndex: blockIndex, entry: entry, inBlock: cursor, file: file)
        }
        guard offsets.count == Int(entry.recordCount) else {
            throw Self.corruption("holds \(offsets.count) records, its index entry says \(entry.recordCount)",
                                  blockIndex: blockIndex, entry: entry, inBlock: cursor, file: file)
        }
        self.entry = entry
        self.bytes = bytes
        self.offsets = offsets
    }

    deinit { UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate() }

    /// The record at `position`, which must lie in this block.
    func record(at position: LogPosition) -> RecordView {
        precondition(position >= entry.firstPosition && position < entry.endPosition, "position outside the block")
        let start = Int(offsets[Int(position.rawValue - entry.firstPosition.rawValue)])
        let length = Int(bytes.loadLE(at: start + RecordHeaderLayout.length, as: UInt32.self))
        return RecordView(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)]))
    }

    static func corruption(_ what: String, blockIndex: Int, entry: BlockIndexEntry, inBlock: Int, file: String) -> LogError {
        .corruption("block \(blockIndex) (positions from \(entry.firstPosition), \(entry.compressedBytes) bytes at offset \(entry.fileOffset)): \(what)"
                    + (inBlock > 0 ? " at byte \(inBlock) of the decompressed block" : ""),
                    file: file, offset: entry.fileOffset)
    }
}
