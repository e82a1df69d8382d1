/// Reading, writing and rebuilding `.pidx` files (FORMAT.md §4). The file is derived data:
/// any defect is answered by rebuilding it from its segment, never by trusting it.
enum PositionIndexFile {
    static func entryOffset(_ index: Int) -> UInt64 {
        UInt64(Format.positionIndexHeaderBytes + index * Format.positionIndexEntryBytes)
    }

    /// The valid prefix of an index file: its entries up to the first one that fails its
    /// checksum or does not strictly increase. `nil` when the header itself is bad or missing.
    static func readValidPrefix(
        _ fileSystem: any StorageFileSystem, path: String, base: LogPosition
    ) -> (entries: [PositionIndexEntry], complete: Bool)? {
        guard fileSystem.exists(path), let file = try? fileSystem.open(path, writable: false) else { return nil }
        defer { file.close() }
        guard let bytes = try? file.readAll() else { return nil }
        return bytes.withUnsafeBytes { raw -> ([PositionIndexEntry], Bool)? in
            guard let header = PositionIndexHeader.decode(raw), header.basePosition == base,
                  header.intervalBytes == UInt32(Format.positionIndexIntervalBytes)
            else { return nil }
            let slots = (raw.count - Format.positionIndexHeaderBytes) / Format.positionIndexEntryBytes
            var entries: [PositionIndexEntry] = []
            for slot in 0..<slots {
                let start = Int(entryOffset(slot))
                let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + Format.positionIndexEntryBytes)])
                guard let entry = PositionIndexEntry.decode(bytes, base: base) else { break }
                if let previous = entries.last,
                   previous.relativePosition >= entry.relativePosition || previous.offset >= entry.offset { break }
                entries.append(entry)
            }
            // Complete: every byte after the header is a valid entry.
            return (entries, raw.count == Format.positionIndexHeaderBytes + entries.count * Format.positionIndexEntryBytes)
        }
    }

    /// Writes a complete index file atomically: temp file, sync, rename, directory sync.
    static func writeComplete(
        _ fileSystem: any StorageFileSystem, directory: String, base: LogPosition, entries: [PositionIndexEntry]
    ) throws(LogError) {
        checkStrictlyIncreasing(entries)
        let name = SegmentFileName(base: base, kind: .positionIndex)
        var bytes = PositionIndexHeader(basePosition: base, intervalBytes: UInt32(Format.positionIndexIntervalBytes)).encode()
        bytes.append(contentsOf: encode(entries, base: base))
        try AtomicFile.write(fileSystem, directory: directory, name: name.description, bytes: bytes)
    }

    /// Invariant of every index the core writes: entries strictly increase in both position
    /// and offset, and a whole index (`isWhole`) starts at the segment's first record.
    static func checkStrictlyIncreasing(_ entries: [PositionIndexEntry], isWhole: Bool = true) {
        if isWhole, let first = entries.first {
            precondition(first.relativePosition == 0 && first.offset == UInt32(Format.segmentHeaderBytes),
                         "an index starts at the segment's first record")
        }
        for slot in entries.indices.dropFirst() {
            precondition(entries[slot - 1].relativePosition < entries[slot].relativePosition, "index positions strictly increase")
            precondition(entries[slot - 1].offset < entries[slot].offset, "index offsets strictly increase")
        }
    }

    /// Every slot of an index file, for `verify`: nil where a slot fails its checksum. nil
    /// when the header is bad or missing. Unlike `readValidPrefix`, it does not stop early.
    static func readAllSlots(
        _ fileSystem: any StorageFileSystem, path: String, base: LogPosition
    ) -> (slots: [PositionIndexEntry?], trailingBytes: Int)? {
        guard fileSystem.exists(path), let file = try? fileSystem.open(path, writable: false) else { return nil }
        defer { file.close() }
        guard let bytes = try? file.readAll() else { return nil }
        return bytes.withUnsafeBytes { raw -> ([PositionIndexEntry?], Int)? in
            guard let header = PositionIndexHeader.decode(raw), header.basePosition == base else { return nil }
            let slots = (raw.count - Format.positionIndexHeaderBytes) / Format.positionIndexEntryBytes
            let entries = (0..<slots).map { slot -> PositionIndexEntry? in
                let start = Int(entryOffset(slot))
                return PositionIndexEntry.decode(UnsafeRawBufferPointer(rebasing: raw[start..<(start + Format.positionIndexEntryBytes)]), base: base)
            }
            return (entries, raw.count - Int(entryOffset(slots)))
        }
    }

    static func encode(_ entries: [PositionIndexEntry], base: LogPosition) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: entries.count * Format.positionIndexEntryBytes)
        bytes.withUnsafeMutableBytes { out in
            for (slot, entry) in entries.enumerated() {
                let start = slot * Format.positionIndexEntryBytes
                let slot = UnsafeMutableRawBufferPointer(rebasing: out[start..<(start + Format.positionIndexEntryBytes)])
                entry.encode(base: base, into: slot)
                precondition(PositionIndexEntry.decode(UnsafeRawBufferPointer(slot), base: base) == entry, "an index entry round-trips")
            }
        }
        return bytes
    }

    /// Maps a complete, valid index file; nil if it is missing or any entry is bad.
    static func mapComplete(_ fileSystem: any StorageFileSystem, path: String, base: LogPosition) -> PositionIndex? {
        guard let prefix = readValidPrefix(fileSystem, path: path, base: base), prefix.complete,
              prefix.entries.first.map({ $0.relativePosition == 0 && $0.offset == UInt32(Format.segmentHeaderBytes) }) ?? false,
              let file = try? fileSystem.open(path, writable: false)
        else { return nil }
        defer { file.close() }
        let length = Format.positionIndexHeaderBytes + prefix.entries.count * Format.positionIndexEntryBytes
        guard let region = try? file.map(length: length) else { return nil }
        return PositionIndex(base: base, mapped: region)
    }

    /// The entries a segment's records call for: the first record, then the first record at or
    /// past each `positionIndexIntervalBytes` boundary after the previous entry.
    struct Builder {
        private(set) var entries: [PositionIndexEntry] = []
        private var nextIndexedOffset: UInt64 = 0

        init(existing: [PositionIndexEntry] = []) {
            entries = existing
            if let last = existing.last { nextIndexedOffset = UInt64(last.offset) + UInt64(Format.positionIndexIntervalBytes) }
        }

        /// Returns the new entry when this record gets one.
        @discardableResult
        mutating func note(relativePosition: UInt32, offset: UInt64) -> PositionIndexEntry? {
            guard offset >= nextIndexedOffset else { return nil }
            let entry = PositionIndexEntry(relativePosition: relativePosition, offset: UInt32(offset))
            entries.append(entry)
            nextIndexedOffset = offset + UInt64(Format.positionIndexIntervalBytes)
            return entry
        }

        /// Notes the segment's last record even off the interval grid (at a clean close), so
        /// that the next open finds the end of the data without scanning. No-op if it has one.
        mutating func noteLast(relativePosition: UInt32, offset: UInt64) {
            if let last = entries.last, UInt64(last.offset) >= offset { return }
            entries.append(PositionIndexEntry(relativePosition: relativePosition, offset: UInt32(offset)))
            nextIndexedOffset = offset + UInt64(Format.positionIndexIntervalBytes)
        }

        /// Forgets entries added after the first `count` (their records were never written).
        mutating func truncate(to count: Int) {
            precondition(count <= entries.count, "cannot truncate to more entries than exist")
            entries.removeLast(entries.count - count)
            nextIndexedOffset = entries.last.map { UInt64($0.offset) + UInt64(Format.positionIndexIntervalBytes) } ?? 0
        }
    }
}
