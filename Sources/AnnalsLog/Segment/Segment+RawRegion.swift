extension Segment {
    /// Reads of at most this many records go through the block cache; longer ones stream.
    static let cachedReadLimit = 64

    /// Serves records from `position` on out of cached index regions: the records between two
    /// consecutive position-index entries, read once and verified whole (every CRC), then kept
    /// in the log's block cache. A hot point read then costs no system call. Stops at the first
    /// region that is not complete yet (the active segment's last one, still growing), leaving
    /// `position` where the streaming reader must go on.
    func readCached(
        from position: inout LogPosition, stop: LogPosition, end: UInt64, limit: Int, cache: BlockCache,
        _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int {
        let index = indexSnapshot
        var passed = 0
        while passed < limit && position < stop {
            guard let slot = index.floorSlot(position), slot + 1 < index.count,
                  UInt64(index[slot + 1].offset) <= end
            else { break }
            let region = try cachedRegion(slot, of: index, cache: cache)
            while passed < limit && position < min(stop, region.entry.endPosition) {
                let view = region.record(at: position)
                position = position.advanced(by: 1)
                passed += 1
                if try !body(view) { return passed }
            }
        }
        return passed
    }

    /// Point reads through the block cache: consecutive positions in one cached region cost
    /// one lookup. A position outside every complete region (the active segment's growing
    /// tail) is read by the streaming reader.
    func forEachRecord(
        at positions: ArraySlice<LogPosition>, through last: LogPosition, _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int {
        guard let cache = attachedCache else { return try self.forEachRecordOneByOne(at: positions, through: last, body) }
        let (end, next) = committed
        let stop = min(next, last.advanced(by: 1))
        let index = indexSnapshot
        var region: DecodedBlock?
        var passed = 0
        for position in positions {
            guard position >= base, position < stop else { break }
            if let current = region, position < current.entry.firstPosition || position >= current.entry.endPosition { region = nil }
            if region == nil, let slot = index.floorSlot(position), slot + 1 < index.count, UInt64(index[slot + 1].offset) <= end {
                region = try cachedRegion(slot, of: index, cache: cache)
            }
            if let region {
                passed += 1
                if try !body(region.record(at: position)) { return passed }
                continue
            }
            var keepGoing = true
            let count = try forEachRecord(from: position, limit: 1, through: last) { (view) throws(LogError) -> Bool in
                keepGoing = try body(view)
                return false
            }
            guard count == 1 else { return passed }
            passed += 1
            guard keepGoing else { return passed }
        }
        return passed
    }

    private func cachedRegion(_ slot: Int, of index: PositionIndex, cache: BlockCache) throws(LogError) -> DecodedBlock {
        let key = BlockCache.Key(segment: instanceID, block: slot)
        if let region = cache.block(for: key) { return region }
        let first = index[slot]
        let following = index[slot + 1]
        let bytes = Int(following.offset - first.offset)
        let entry = BlockIndexEntry(
            firstPosition: base.advanced(by: UInt64(first.relativePosition)), fileOffset: UInt64(first.offset),
            recordCount: following.relativePosition - first.relativePosition,
            compressedBytes: UInt32(bytes), rawBytes: UInt32(bytes), checksum: 0)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes, 1), alignment: 16)
        let region: DecodedBlock
        do throws(LogError) {
            let buffer = UnsafeMutableRawBufferPointer(rebasing: raw[0..<bytes])
            guard try file.readFully(at: UInt64(first.offset), into: buffer) == bytes else {
                throw .corruption("file ends inside committed records", file: fileName, offset: UInt64(first.offset))
            }
            region = try DecodedBlock(adopting: buffer, entry: entry, file: fileName, blockIndex: slot)
        } catch {
            raw.deallocate()
            throw error
        }
        cache.insert(region, for: key)
        return region
    }
}
