/// Sizes and ranges of a store, for `annals stats` and monitoring.
public struct LogStats: Sendable, Equatable {
    /// One segment file and its sizes.
    public struct SegmentInfo: Sendable, Equatable {
        /// The segment's file name.
        public var file: String
        /// "active" for the segment taking appends, "raw" for a full one, "sealed" for a sealed one.
        public var state: String
        /// The position of the segment's first record.
        public var firstPosition: LogPosition
        /// Records in the segment.
        public var records: UInt64
        /// Bytes of the segment file.
        public var bytes: UInt64
        /// Bytes its records take uncompressed: for a raw segment, the file minus its header.
        public var recordBytes: UInt64
        /// Bytes of its position index file.
        public var indexBytes: UInt64
    }

    /// The store's directory.
    public var directory: String
    /// Every segment, in log order.
    public var segments: [SegmentInfo]
    /// The first and last committed positions, nil for an empty store.
    public var firstPosition: LogPosition?
    /// The last committed position, nil for an empty store.
    public var lastPosition: LogPosition?
    /// Records in every segment.
    public var records: UInt64 { segments.reduce(0) { $0 + $1.records } }
    /// Bytes of every segment file.
    public var bytes: UInt64 { segments.reduce(0) { $0 + $1.bytes } }
    /// Bytes of every position index file.
    public var indexBytes: UInt64 { segments.reduce(0) { $0 + $1.indexBytes } }
    /// Bytes of sealed segment files, and what their records take uncompressed.
    public var sealedBytes: UInt64 { segments.filter { $0.state == "sealed" }.reduce(0) { $0 + $1.bytes } }
    /// Bytes the records of sealed segments take uncompressed.
    public var sealedRecordBytes: UInt64 { segments.filter { $0.state == "sealed" }.reduce(0) { $0 + $1.recordBytes } }
    /// Bytes of raw (active or not yet sealed) segment files.
    public var rawBytes: UInt64 { segments.filter { $0.state != "sealed" }.reduce(0) { $0 + $1.bytes } }
    /// How many times smaller sealing made its segments' records, or nil if none is sealed.
    public var sealedRatio: Double? {
        sealedBytes == 0 ? nil : Double(sealedRecordBytes) / Double(sealedBytes)
    }
}

extension Log {
    /// Segments, records, bytes and positions, read from the files' headers and indexes.
    public func stats() throws(LogError) -> LogStats {
        try checkReadable()
        let table = segmentSnapshot
        let next = nextPosition
        var infos: [LogStats.SegmentInfo] = []
        for (number, segment) in table.enumerated() {
            let end = number + 1 < table.count ? table[number + 1].base : next
            let indexPath = joinPath(directory, SegmentFileName(base: segment.base, kind: .positionIndex).description)
            let indexBytes = fileSize(indexPath)
            let bytes = try segment.file.size()
            let sealed = segment as? SealedSegment
            infos.append(LogStats.SegmentInfo(
                file: segment.fileName, state: number + 1 == table.count ? "active" : sealed != nil ? "sealed" : "raw",
                firstPosition: segment.base, records: end.rawValue - segment.base.rawValue, bytes: bytes,
                recordBytes: sealed?.footer.rawBytes ?? bytes - min(bytes, UInt64(Format.segmentHeaderBytes)),
                indexBytes: indexBytes))
        }
        return LogStats(directory: directory, segments: infos, firstPosition: next > .first ? .first : nil, lastPosition: lastPosition)
    }

    /// The size of a file, or 0 if it cannot be opened (stats are informational).
    private func fileSize(_ path: String) -> UInt64 {
        guard let file = try? fileSystem.open(path, writable: false) else { return 0 }
        defer { file.close() }
        return (try? file.size()) ?? 0
    }
}
