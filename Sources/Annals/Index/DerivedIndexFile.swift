import AnnalsLog
import Synchronization

/// The four per-segment index files of the stream layer. They share one layout
/// (docs/FORMAT.md §7 S1): a 64-byte header, an optional Bloom filter, then sorted
/// fixed-width entries of little-endian u64 fields.
enum DerivedIndexKind: Sendable, CaseIterable {
    /// `.sidx`: (stream hash, stream version, position), sorted by hash then version.
    case stream
    /// `.eidx`: (id high, id low, position), sorted by id.
    case eventID
    /// `.tidx`: (timestamp, position), sparse, sorted by position (so by timestamp too).
    case time
    /// `.qidx`: (query key hash, position), sorted by hash then position: every event under
    /// its type, its stream's category and each of its tags (`QueryKey`).
    case query

    /// "ANSI", "ANEI", "ANTI", "ANQI" read as little-endian bytes.
    var magic: UInt32 {
        switch self {
        case .stream: 0x4953_4E41
        case .eventID: 0x4945_4E41
        case .time: 0x4954_4E41
        case .query: 0x4951_4E41
        }
    }

    var fieldsPerEntry: Int {
        switch self {
        case .stream, .eventID: 3
        case .time, .query: 2
        }
    }

    var fileKind: SegmentFileKind {
        switch self {
        case .stream: .streamIndex
        case .eventID: .eventIDIndex
        case .time: .timeIndex
        case .query: .queryIndex
        }
    }

    /// True for the kinds keyed by `StreamHash` (their headers record its kind).
    var isHashed: Bool { self == .stream || self == .query }

    func fileName(base: LogPosition) -> String { SegmentFileName(base: base, kind: fileKind).description }
}

/// Encodes and validates derived index files.
enum DerivedIndexFile {
    static let formatVersion: UInt16 = 1
    static let headerBytes = 64
    static let headerChecksumOffset = 60

    /// The bytes of a file holding `entries` (flattened fields, already sorted) and `filter`.
    static func encode(
        kind: DerivedIndexKind, hashKind: UInt8, base: LogPosition, end: LogPosition,
        entries: [UInt64], filter: BloomFilter?
    ) -> [UInt8] {
        precondition(entries.count % kind.fieldsPerEntry == 0, "entries must be whole")
        precondition(end > base, "a segment holds at least one record")
        let words = filter?.words ?? []
        var body = ByteWriter(capacity: (words.count + entries.count) * 8)
        for word in words { body.write(word) }
        for field in entries { body.write(field) }
        var header = ByteWriter(capacity: headerBytes + body.count)
        header.write(kind.magic)
        header.write(formatVersion)
        header.write(hashKind)
        header.write(UInt8(0))
        header.write(base.rawValue)
        header.write(end.rawValue)
        header.write(UInt64(entries.count / kind.fieldsPerEntry))
        header.write(UInt32(words.count))
        header.write(UInt32(filter == nil ? 0 : BloomFilter.hashCount))
        header.write(CRC32C.checksum(body.bytes))
        header.write(UInt32(kind.fieldsPerEntry * 8))
        for _ in 0..<3 { header.write(UInt32(0)) }
        precondition(header.count == headerChecksumOffset, "header layout drifted from FORMAT.md §7")
        header.write(CRC32C.checksum(header.bytes))
        header.write(bytes: body.bytes)
        return header.bytes
    }

    /// Maps and fully validates the file, or returns nil if it is missing or bad in any way.
    /// With `checkingBodyLater`, only the header is checked now, and the body's checksum at its
    /// first use (`MappedDerivedIndex.isIntact`).
    static func open(
        _ fileSystem: any StorageFileSystem, directory: String, kind: DerivedIndexKind,
        base: LogPosition, end: LogPosition, hashKind: UInt8, checkingBodyLater: Bool = false
    ) -> MappedDerivedIndex? {
        let path = StoreFiles.path(directory, kind.fileName(base: base))
        guard let region = StoreFiles.map(fileSystem, path) else { return nil }
        return MappedDerivedIndex(region: region, kind: kind, base: base, end: end, hashKind: hashKind, checkingBodyLater: checkingBodyLater)
    }
}

/// A validated, mapped derived index. Immutable (but for when its body was checked), so any
/// thread may read it.
final class MappedDerivedIndex: Sendable {
    let region: MappedRegion
    let kind: DerivedIndexKind
    let entryCount: Int
    let filterWords: Int
    let filterHashCount: Int
    private let entriesOffset: Int
    private let stride: Int
    /// 0: the body's checksum is not checked yet; 1: it matched; 2: it did not.
    private let bodyState: Atomic<UInt8>

    /// The most Bloom probes a file may ask for (the writer uses `BloomFilter.hashCount`).
    static let filterHashCountMax = 64

    /// Checks every header field and both checksums (the body's later, at first use, when
    /// `checkingBodyLater`); nil on any mismatch.
    init?(region: MappedRegion, kind: DerivedIndexKind, base: LogPosition, end: LogPosition, hashKind: UInt8, checkingBodyLater: Bool = false) {
        let bytes = region.bytes
        let headerBytes = DerivedIndexFile.headerBytes
        guard bytes.count >= headerBytes else { return nil }
        let header = UnsafeRawBufferPointer(rebasing: bytes[0..<DerivedIndexFile.headerChecksumOffset])
        guard CRC32C.checksum(header) == bytes.readLE(at: DerivedIndexFile.headerChecksumOffset, as: UInt32.self),
              bytes.readLE(at: 0, as: UInt32.self) == kind.magic,
              bytes.readLE(at: 4, as: UInt16.self) == DerivedIndexFile.formatVersion,
              bytes.readLE(at: 6, as: UInt8.self) == hashKind,
              bytes.readLE(at: 8, as: UInt64.self) == base.rawValue,
              bytes.readLE(at: 16, as: UInt64.self) == end.rawValue,
              Int(bytes.readLE(at: 44, as: UInt32.self)) == kind.fieldsPerEntry * 8
        else { return nil }
        let count = bytes.readLE(at: 24, as: UInt64.self)
        let words = Int(bytes.readLE(at: 32, as: UInt32.self))
        let hashCount = Int(bytes.readLE(at: 36, as: UInt32.self))
        let stride = kind.fieldsPerEntry * 8
        // A filter has probes exactly when it has words (else lookups would answer "surely
        // absent" for every key), and a bounded number of them (else one lookup could spin for
        // billions of probes). Only damage that passes the header checksum could break this.
        guard (words == 0) == (hashCount == 0), hashCount <= Self.filterHashCountMax,
              count <= UInt64(bytes.count / stride),
              headerBytes + words * 8 + Int(count) * stride == bytes.count
        else { return nil }
        if checkingBodyLater {
            bodyState = Atomic(0)
        } else {
            guard Self.bodyMatches(bytes) else { return nil }
            bodyState = Atomic(1)
        }
        self.region = region
        self.kind = kind
        self.entryCount = Int(count)
        self.filterWords = words
        self.filterHashCount = hashCount
        self.entriesOffset = headerBytes + words * 8
        self.stride = stride
    }

    private static func bodyMatches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[DerivedIndexFile.headerBytes...])) == bytes.readLE(at: 40, as: UInt32.self)
    }

    /// True when the body matches its checksum, checked once (at open, or at the first call
    /// when opened `checkingBodyLater`). Nothing of the body may be used before this is true.
    var isIntact: Bool {
        switch bodyState.load(ordering: .acquiring) {
        case 1: return true
        case 2: return false
        default:
            let intact = Self.bodyMatches(region.bytes)
            bodyState.store(intact ? 1 : 2, ordering: .releasing)
            return intact
        }
    }

    @inline(__always)
    func field(_ entry: Int, _ field: Int) -> UInt64 {
        precondition(entry >= 0 && entry < entryCount && field < kind.fieldsPerEntry, "index entry out of range")
        return region.bytes.readLE(at: entriesOffset + entry * stride + field * 8)
    }

    /// False when `hash` is surely absent; true when it may be present (or there is no filter).
    func mayContain(_ hash: UInt64) -> Bool {
        guard filterHashCount > 0 else { return true }
        return BloomFilter.mayContain(hash, in: region.bytes, offset: DerivedIndexFile.headerBytes,
                                      wordCount: filterWords, hashCount: filterHashCount)
    }

    /// The first entry whose first two fields are at least (`first`, `second`), or `entryCount`.
    func lowerBound(_ first: UInt64, _ second: UInt64) -> Int {
        var low = 0
        var high = entryCount
        while low < high {
            let middle = (low + high) / 2
            let key = (field(middle, 0), field(middle, 1))
            if key < (first, second) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
