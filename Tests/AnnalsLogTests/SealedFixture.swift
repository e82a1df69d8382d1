import AnnalsTestSupport
@testable import AnnalsLog

/// Builds stores and sealed files for the sealing tests: varied records over several full
/// segments, small blocks so each segment has many of them.
enum SealedFixture {
    static let segmentBytes = 64 * 1024
    static let blockBytes = 4096

    static func options(_ sealing: SealingMode = .manual, fileSystem: any StorageFileSystem = PosixFileSystem()) -> LogOptions {
        LogOptions(durability: .none, segmentBytes: segmentBytes, fileSystem: fileSystem, sealing: sealing,
                   blockBytes: blockBytes, blockCacheBytes: 64 * 1024)
    }

    /// Entries of varied size and content for batch `tag`.
    static func batch(_ tag: Int, count: Int = 20) -> [LogEntry] {
        (0..<count).map { index in
            let text = "{\"order\":\"order-\(tag % 37)\",\"batch\":\(tag),\"i\":\(index),\"pad\":\"" + String(repeating: "x", count: (tag * 7 + index * 13) % 300) + "\"}"
            return LogEntry(stream: "order-\(tag % 37)", eventType: index % 3 == 0 ? "OrderCreated" : "ItemAdded",
                            streamVersion: UInt64(index), eventID: EventID(high: UInt64(tag), low: UInt64(index) &* 0x9E37_79B9_7F4A_7C15),
                            metadata: Array("{\"c\":\(tag)}".utf8), payload: Array(text.utf8))
        }
    }

    /// A store with at least `fullSegments` full raw segments, closed; returns every record.
    static func makeStore(_ directory: String, fullSegments: Int = 3) throws -> [LogRecord] {
        let log = try Log.open(directory: directory, options: options())
        var tag = 0
        while rawSegmentBases(directory).count <= fullSegments {
            try log.append(batch(tag))
            tag += 1
        }
        let records = try log.read(from: .first, limit: .max)
        try log.close()
        return records
    }

    static func names(_ directory: String) -> [String] {
        ((try? PosixFileSystem().list(directory)) ?? []).sorted()
    }

    static func rawSegmentBases(_ directory: String) -> [LogPosition] {
        names(directory).compactMap { SegmentFileName(parsing: $0) }.filter { $0.kind == .log }.map(\.base)
    }

    static func sealedNames(_ directory: String) -> [String] {
        names(directory).filter { $0.hasSuffix(".sealed") }
    }

    /// Seals the first raw segment of a closed store with `SealedSegmentWriter` alone, leaving
    /// the raw file in place; returns the sealed file's name and the segment's end.
    static func sealFirstSegment(_ directory: String, blockBytes: Int = blockBytes) throws -> (name: String, end: LogPosition) {
        let bases = rawSegmentBases(directory)
        let fs = PosixFileSystem()
        let rawName = SegmentFileName(base: bases[0], kind: .log).description
        let raw = try fs.open(directory + "/" + rawName, writable: false)
        defer { raw.close() }
        let writer = SealedSegmentWriter(fileSystem: fs, directory: directory, blockBytes: blockBytes)
        let result = try writer.seal(raw: raw, rawName: rawName, base: bases[0], end: bases[1])
        return (result.fileName, bases[1])
    }
}
