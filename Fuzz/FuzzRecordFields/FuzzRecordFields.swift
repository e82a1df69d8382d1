@testable import AnnalsLog
import FuzzSupport

/// libFuzzer entry: one record's bytes, decoded alone (docs/FORMAT.md §3). The first input byte
/// is a mode: bit 0 sets the length field to the input's length, bit 1 recomputes the CRC, so
/// the field checks after the checksum (lengths, flags, the tags section) see fuzzed input.
/// Whatever the bytes, decoding returns a case and never traps; a record it accepts exposes
/// every field in bounds, its tags parse and are found by `hasTag`, and when its names are valid
/// UTF-8 and the entry is valid, encoding it again gives the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordFields(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let mode = data[0]
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if mode & 1 != 0 { ChecksumRepair.store(UInt32(bytes.count), into: &bytes, at: RecordHeaderLayout.length) }
    if mode & 2 != 0 { ChecksumRepair.patch(&bytes, from: 4, at: RecordHeaderLayout.checksum) }
    bytes.withUnsafeBytes { buffer in
        guard case .record(let view, let next) = RecordCodec.decode(buffer, at: 0) else { return }
        FuzzStore.require(next >= view.length && next <= RecordCodec.paddedBytes(view.length), "next offset \(next) for length \(view.length)")
        let record = view.materialize()
        for tag in record.tags { FuzzStore.require(view.hasTag(tag) || !isExactUTF8(tag, in: view.tagsBytes), "tag \(tag) not found") }
        FuzzStore.require(record.tags.count <= Format.tagsPerRecordMax, "\(record.tags.count) tags")
        let entry = LogEntry(stream: record.stream, eventType: record.eventType, streamVersion: record.streamVersion,
                             eventID: record.eventID, timestamp: record.timestamp, flags: record.userFlags,
                             tags: record.tags, metadata: record.metadata, payload: record.payload)
        let namesExact = Array(record.stream.utf8) == Array(view.streamBytes) && Array(record.eventType.utf8) == Array(view.eventTypeBytes)
            // A tag decoded from bytes that are not UTF-8 can grow past 255 bytes (each bad byte
            // becomes a 3-byte U+FFFD); such a record is not compared.
            && record.tags.reduce(into: [UInt8]()) { $0.append(UInt8(truncatingIfNeeded: $1.utf8.count)); $0 += $1.utf8 } == Array(view.tagsBytes)
        guard namesExact, (try? RecordCodec.validate(entry)) != nil else { return }
        var encoded = [UInt8](repeating: 0, count: RecordCodec.paddedBytes(entry.encodedBytes))
        encoded.withUnsafeMutableBytes { target in
            _ = RecordCodec.encode(entry, position: record.position, timestamp: record.timestamp, endsBatch: record.endsBatch, into: target, at: 0)
        }
        FuzzStore.require(Array(encoded[0..<view.length]) == Array(buffer[0..<view.length]), "decode then encode changed the record")
    }
    return 0
}

/// True when some tag in the section has exactly the bytes of `tag` (a tag decoded from bytes
/// that are not UTF-8 comes back changed, and need not be found).
private func isExactUTF8(_ tag: String, in section: UnsafeRawBufferPointer) -> Bool {
    var found = false
    RecordTags.forEach(section) { if $0.elementsEqual(tag.utf8) { found = true } }
    return found
}
