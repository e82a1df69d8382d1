import AnnalsLog

/// The persisted checkpoint of every stream's head (docs/FORMAT.md §7 S2), so opening the
/// store replays only the log after `coveredNext` instead of all of it.
///
/// It is derived data: missing, torn or stale beyond the log's end, it is rebuilt from the log.
enum StreamHeadsFile {
    /// "ANSH" read as little-endian bytes: ANnals Stream Heads.
    static let magic: UInt32 = 0x4853_4E41
    static let formatVersion: UInt16 = 1
    static let headerBytes = 32
    static let fileName = "streams.heads"

    static let flagTombstoned: UInt8 = 1
    static let flagHasVersion: UInt8 = 2

    /// What every head in a checkpoint satisfies: its next version exists (a last version of
    /// `UInt64.max` would trap the next append), and a soft delete hides no version not yet
    /// written. (A head may reflect records past `coveredNext`: FORMAT.md §7 S2.)
    /// Pair assertion: `encode` requires it, `decode` refuses a file that breaks it (only
    /// damage that happens to pass both checksums could).
    static func isConsistent(_ head: StreamHead) -> Bool {
        head.lastVersion != .max && head.truncateBefore <= head.nextVersion
    }

    static func encode(_ heads: [String: StreamHead], coveredNext: LogPosition) -> [UInt8] {
        precondition(heads.values.allSatisfy(isConsistent), "every head written is consistent")
        var body = ByteWriter(capacity: heads.count * 48)
        for (name, head) in heads.sorted(by: { $0.key < $1.key }) {
            body.write(UInt16(name.utf8.count))
            body.write(bytes: name.utf8)
            body.write((head.tombstoned ? flagTombstoned : 0) | (head.lastVersion != nil ? flagHasVersion : 0))
            body.write(head.lastVersion ?? 0)
            body.write(head.truncateBefore)
            body.write(head.lastPosition)
            body.write(head.lastTimestamp)
        }
        var file = ByteWriter(capacity: headerBytes + body.count)
        file.write(magic)
        file.write(formatVersion)
        file.write(UInt16(0))
        file.write(coveredNext.rawValue)
        file.write(UInt64(heads.count))
        file.write(CRC32C.checksum(body.bytes))
        file.write(CRC32C.checksum(file.bytes))
        precondition(file.count == headerBytes, "header layout drifted from FORMAT.md §7")
        file.write(bytes: body.bytes)
        return file.bytes
    }

    /// The heads and the position they cover, or nil if the bytes are not a valid file or hold
    /// a head that is not `isConsistent`.
    static func decode(_ bytes: [UInt8]) -> (heads: [String: StreamHead], coveredNext: LogPosition)? {
        bytes.withUnsafeBytes { raw -> (heads: [String: StreamHead], coveredNext: LogPosition)? in
            guard raw.count >= headerBytes,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<28])) == raw.readLE(at: 28, as: UInt32.self),
                  raw.readLE(at: 0, as: UInt32.self) == magic,
                  raw.readLE(at: 4, as: UInt16.self) == formatVersion,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[headerBytes...])) == raw.readLE(at: 24, as: UInt32.self)
            else { return nil }
            let count = raw.readLE(at: 16, as: UInt64.self)
            var heads: [String: StreamHead] = [:]
            var offset = headerBytes
            for _ in 0..<count {
                guard let (name, head, next) = decodeEntry(raw, at: offset) else { return nil }
                heads[name] = head
                offset = next
            }
            let coveredNext = LogPosition(raw.readLE(at: 8, as: UInt64.self))
            guard offset == raw.count, heads.values.allSatisfy(isConsistent) else { return nil }
            return (heads, coveredNext)
        }
    }

    private static func decodeEntry(_ raw: UnsafeRawBufferPointer, at start: Int) -> (String, StreamHead, Int)? {
        guard start + 2 <= raw.count else { return nil }
        let nameBytes = Int(raw.readLE(at: start, as: UInt16.self))
        let fixed = start + 2 + nameBytes
        guard nameBytes > 0, fixed + 33 <= raw.count else { return nil }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: raw[(start + 2)..<fixed]), as: UTF8.self)
        let flags: UInt8 = raw.readLE(at: fixed)
        var head = StreamHead()
        head.tombstoned = flags & flagTombstoned != 0
        head.lastVersion = flags & flagHasVersion != 0 ? raw.readLE(at: fixed + 1, as: UInt64.self) : nil
        head.truncateBefore = raw.readLE(at: fixed + 9)
        head.lastPosition = raw.readLE(at: fixed + 17)
        head.lastTimestamp = raw.readLE(at: fixed + 25)
        return (name, head, fixed + 33)
    }
}
