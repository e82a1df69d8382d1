/// Encodes and decodes records (FORMAT.md §3). The decoder never traps on any input: every
/// malformed byte sequence maps to a `RecordDecodeResult` case.
enum RecordCodec {
    /// Bytes a record of `encodedBytes` occupies on disk, padding included.
    @inline(__always)
    static func paddedBytes(_ encodedBytes: Int) -> Int {
        alignUp(encodedBytes, to: Format.recordAlignmentBytes)
    }

    /// Checks what can be checked before a position is assigned.
    static func validate(_ entry: LogEntry) throws(LogError) {
        let streamBytes = entry.stream.utf8.count
        let typeBytes = entry.eventType.utf8.count
        guard streamBytes > 0, streamBytes <= Format.streamNameBytesMax else {
            throw .invalid("stream name must be 1...\(Format.streamNameBytesMax) UTF-8 bytes, got \(streamBytes)")
        }
        guard typeBytes <= Format.eventTypeBytesMax else {
            throw .invalid("event type must be at most \(Format.eventTypeBytesMax) UTF-8 bytes, got \(typeBytes)")
        }
        try RecordTags.validate(entry.tags)
        guard entry.encodedBytes <= Format.recordBytesMax else {
            throw .invalid("record of \(entry.encodedBytes) bytes exceeds the maximum of \(Format.recordBytesMax) bytes")
        }
        guard entry.flags & ~Format.recordFlagsUserMask == 0 else {
            throw .invalid("flags 0x\(String(entry.flags, radix: 16)) use bits 0-7, which belong to the log")
        }
    }

    /// Writes `entry` at `offset` in `buffer` (which must hold `paddedBytes`), padding with zeros,
    /// and returns the padded size. The caller has validated the entry.
    static func encode(
        _ entry: LogEntry, position: LogPosition, timestamp: Int64, endsBatch: Bool,
        into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) -> Int {
        let length = entry.encodedBytes
        let padded = paddedBytes(length)
        precondition(offset >= 0 && offset + padded <= buffer.count, "encode buffer too small")
        precondition(position.rawValue >= Format.firstPosition, "positions start at 1")
        let record = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + padded)])
        let streamBytes = entry.stream.utf8.count
        let typeBytes = entry.eventType.utf8.count
        record.storeLE(UInt32(length), at: RecordHeaderLayout.length)
        record.storeLE(position.rawValue, at: RecordHeaderLayout.position)
        record.storeLE(timestamp, at: RecordHeaderLayout.timestamp)
        record.storeLE(entry.streamVersion, at: RecordHeaderLayout.streamVersion)
        entry.eventID.store(into: record, at: RecordHeaderLayout.eventID)
        record.storeLE(entry.flags | (endsBatch ? Format.recordFlagBatchEnd : 0), at: RecordHeaderLayout.flags)
        record.storeLE(UInt16(streamBytes), at: RecordHeaderLayout.streamLength)
        record.storeLE(UInt16(typeBytes), at: RecordHeaderLayout.eventTypeLength)
        record.storeLE(UInt16(entry.tagsBytes), at: RecordHeaderLayout.tagsLength)
        record.storeLE(UInt32(entry.metadata.count), at: RecordHeaderLayout.metadataLength)
        record.storeLE(UInt32(entry.payload.count), at: RecordHeaderLayout.payloadLength)
        var cursor = RecordHeaderLayout.size
        var stream = entry.stream
        stream.withUTF8 { copy($0, into: record, at: &cursor) }
        var eventType = entry.eventType
        eventType.withUTF8 { copy($0, into: record, at: &cursor) }
        for var tag in entry.tags {
            record[cursor] = UInt8(tag.utf8.count)
            cursor += 1
            tag.withUTF8 { copy($0, into: record, at: &cursor) }
        }
        entry.metadata.withUnsafeBytes { copy($0, into: record, at: &cursor) }
        entry.payload.withUnsafeBytes { copy($0, into: record, at: &cursor) }
        precondition(cursor == length, "encoded length disagrees with field sizes")
        for index in length..<padded { record[index] = 0 }
        let body = UnsafeRawBufferPointer(rebasing: record[4..<length])
        record.storeLE(CRC32C.checksum(body), at: RecordHeaderLayout.checksum)
        return padded
    }

    private static func copy(
        _ source: some Collection<UInt8>, into record: UnsafeMutableRawBufferPointer, at cursor: inout Int
    ) {
        let target = UnsafeMutableRawBufferPointer(rebasing: record[cursor..<(cursor + source.count)])
        target.copyBytes(from: source)
        cursor += source.count
    }

    /// Decodes the record starting at `offset` in `buffer`.
    static func decode(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> RecordDecodeResult {
        precondition(offset >= 0 && offset <= buffer.count, "decode offset out of range")
        let available = buffer.count - offset
        guard available >= 8 else { return .truncated(needed: RecordHeaderLayout.size) }
        let length = Int(buffer.loadLE(at: offset + RecordHeaderLayout.length, as: UInt32.self))
        if length == 0 {
            // Zero is the end: a zero length with a zero checksum is unwritten (or zeroed) space.
            let checksum = buffer.loadLE(at: offset, as: UInt32.self)
            return checksum == 0 ? .endOfData : .invalid(.badLength(0))
        }
        guard length >= RecordHeaderLayout.size, length <= Format.recordBytesMax else {
            return .invalid(.badLength(length))
        }
        guard available >= length else { return .truncated(needed: length) }
        let record = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
        let stored = record.loadLE(at: RecordHeaderLayout.checksum, as: UInt32.self)
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: record[4...])) == stored else {
            return .invalid(.checksumMismatch)
        }
        let view = RecordView(bytes: record)
        // Checked after the CRC: these can only fail for bytes that were written this way.
        let fieldSum = RecordHeaderLayout.size + view.streamLength + view.eventTypeLength
            + view.tagsLength + view.metadataLength + view.payloadLength
        guard fieldSum == length else { return .invalid(.fieldLengthsDisagree) }
        guard view.flags & Format.recordFlagsReservedMask == 0 else { return .invalid(.reservedBitsSet) }
        guard view.tagsLength == 0 || RecordTags.isWellFormed(view.tagsBytes) else { return .invalid(.badTags) }
        guard view.position.rawValue >= Format.firstPosition else { return .invalid(.badPosition) }
        return .record(view, next: offset + paddedBytes(length))
    }
}

enum RecordDecodeResult {
    /// A whole, verified record, and the offset where the next one starts.
    case record(RecordView, next: Int)
    /// Zeros where the next header would be: the end of written data.
    case endOfData
    /// The buffer ends inside this record; `needed` bytes from its start would hold it.
    case truncated(needed: Int)
    /// The bytes here are not a valid record.
    case invalid(RecordDefect)
}

enum RecordDefect: Equatable, CustomStringConvertible {
    case badLength(Int)
    case checksumMismatch
    case fieldLengthsDisagree
    case reservedBitsSet
    case badTags
    case badPosition

    var description: String {
        switch self {
        case .badLength(let length): "record length \(length) is out of range"
        case .checksumMismatch: "record checksum mismatch"
        case .fieldLengthsDisagree: "record field lengths do not add up to its length"
        case .reservedBitsSet: "record has reserved bits set"
        case .badTags: "record tags section does not parse"
        case .badPosition: "record position 0 is not valid"
        }
    }
}
