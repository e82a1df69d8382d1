import AnnalsLog

/// One snapshot: an aggregate's encoded state after folding its stream up to `streamVersion`.
struct SnapshotEntry: Sendable, Equatable {
    var streamVersion: UInt64
    /// The aggregate's `schemaVersion` when the state was encoded.
    var schemaVersion: UInt32
    /// The state as JSON.
    var state: [UInt8]
}

/// The bytes of a snapshot file (docs/FORMAT.md §8): a 24-byte header, the stream name,
/// then the entries in increasing stream version. Every byte after the header is covered by the
/// body checksum, and the header by its own, so a torn or damaged file is recognized whole.
enum SnapshotFile {
    /// "ANSP" read as little-endian bytes: ANnals SnaPshot.
    static let magic: UInt32 = 0x5053_4E41
    static let formatVersion: UInt16 = 1
    static let headerBytes = 24
    static let entryHeaderBytes = 16
    /// The most snapshots kept per stream; the oldest go first.
    static let entriesMax = 8
    /// The largest state one entry can hold (its length field is a u32).
    static let stateBytesMax = Int(UInt32.max)

    static func encode(stream: StreamName, entries: [SnapshotEntry]) -> [UInt8] {
        precondition(entries.count <= entriesMax, "at most \(entriesMax) snapshots per file")
        precondition(zip(entries, entries.dropFirst()).allSatisfy { $0.streamVersion < $1.streamVersion }, "entries ascend")
        var body = ByteWriter()
        body.write(bytes: stream.rawValue.utf8)
        for entry in entries {
            precondition(entry.state.count <= stateBytesMax, "a state fits its length field")
            body.write(entry.streamVersion)
            body.write(entry.schemaVersion)
            body.write(UInt32(entry.state.count))
            body.write(bytes: entry.state)
        }
        var file = ByteWriter(capacity: headerBytes + body.count)
        file.write(magic)
        file.write(formatVersion)
        file.write(UInt16(entries.count))
        file.write(UInt32(stream.rawValue.utf8.count))
        file.write(UInt32(body.count))
        file.write(CRC32C.checksum(body.bytes))
        file.write(CRC32C.checksum(file.bytes))
        precondition(file.count == headerBytes, "the header is exactly its fields")
        file.write(bytes: body.bytes)
        return file.bytes
    }

    /// The file's stream and entries, or nil when any check fails: magic, format version,
    /// either checksum, a length that overruns, trailing bytes, or entries out of order.
    static func decode(_ bytes: [UInt8]) -> (stream: StreamName, entries: [SnapshotEntry])? {
        bytes.withUnsafeBytes { raw -> (StreamName, [SnapshotEntry])? in
            guard raw.count >= headerBytes,
                  raw.readLE(at: 0, as: UInt32.self) == magic,
                  raw.readLE(at: 4, as: UInt16.self) == formatVersion,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<20])) == raw.readLE(at: 20, as: UInt32.self),
                  Int(raw.readLE(at: 12, as: UInt32.self)) == raw.count - headerBytes,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[headerBytes...])) == raw.readLE(at: 16, as: UInt32.self)
            else { return nil }
            let count = Int(raw.readLE(at: 6, as: UInt16.self))
            let nameBytes = Int(raw.readLE(at: 8, as: UInt32.self))
            guard count <= entriesMax, nameBytes <= raw.count - headerBytes else { return nil }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: raw[headerBytes..<(headerBytes + nameBytes)]), as: UTF8.self)
            var entries: [SnapshotEntry] = []
            var offset = headerBytes + nameBytes
            for _ in 0..<count {
                guard raw.count - offset >= entryHeaderBytes else { return nil }
                let version = raw.readLE(at: offset, as: UInt64.self)
                let schema = raw.readLE(at: offset + 8, as: UInt32.self)
                let length = Int(raw.readLE(at: offset + 12, as: UInt32.self))
                offset += entryHeaderBytes
                guard raw.count - offset >= length else { return nil }
                if let last = entries.last, last.streamVersion >= version { return nil }
                entries.append(SnapshotEntry(streamVersion: version, schemaVersion: schema,
                                             state: Array(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]))))
                offset += length
            }
            guard offset == raw.count else { return nil }
            return (StreamName(name), entries)
        }
    }

    /// The file name for `stream`'s snapshots: the name's UTF-8 bytes in hex when short enough
    /// for a file name, else `h` and two independent 32/64-bit hashes of it. The stream name is
    /// also stored inside, so a hash collision reads as "no snapshot", never a wrong one.
    static func fileName(for stream: StreamName) -> String {
        let bytes = Array(stream.rawValue.utf8)
        if bytes.count <= 100 { return hex(bytes) + ".snapshot" }
        var fnv: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { fnv = (fnv ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return "h" + hex(fnv) + hex(UInt64(CRC32C.checksum(bytes))) + ".snapshot"
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ value: UInt64) -> String {
        hex((0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * (7 - $0))) })
    }
}
