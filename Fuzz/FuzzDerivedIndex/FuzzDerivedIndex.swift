@testable import Annals
import AnnalsLog
import FuzzSupport

/// libFuzzer entry: a `.sidx`, `.eidx`, `.tidx` or `.qidx` (docs/FORMAT.md §7 S1) as the store maps it.
/// The first byte picks the kind (low two bits) and whether to repair both checksums and take the
/// header's own base, end and hash kind as the expected ones (bit 2), so that the header and
/// entry parsing past the checksums is fuzzed too. Whatever the bytes, validation either refuses
/// the file or every lookup the stream layer makes through it stays in bounds and terminates.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDerivedIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let mode = data[0]
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let kind = DerivedIndexKind.allCases[Int(mode & 3)]
    var base = LogPosition(1)
    var end = LogPosition(100)
    var hashKind: UInt8 = kind.isHashed ? StreamHash.standard.kind : 0
    if mode & 4 != 0 {
        ChecksumRepair.patch(&bytes, from: DerivedIndexFile.headerBytes, at: 40)
        ChecksumRepair.patch(&bytes, from: 0, to: DerivedIndexFile.headerChecksumOffset, at: DerivedIndexFile.headerChecksumOffset)
        base = LogPosition(ChecksumRepair.load(bytes, at: 8, as: UInt64.self) ?? 1)
        end = LogPosition(ChecksumRepair.load(bytes, at: 16, as: UInt64.self) ?? 100)
        hashKind = ChecksumRepair.load(bytes, at: 6, as: UInt8.self) ?? hashKind
    }
    guard let index = MappedDerivedIndex(region: .copying(bytes), kind: kind, base: base, end: end, hashKind: hashKind) else { return 0 }
    FuzzStore.require(index.entryCount >= 0 && index.filterWords >= 0, "negative counts")
    // Every lookup the stream layer makes, with keys taken from the file and next to them.
    var probes: [(UInt64, UInt64)] = [(0, 0), (.max, .max)]
    for entry in stride(from: 0, to: index.entryCount, by: max(1, index.entryCount / 16)) {
        let key = (index.field(entry, 0), index.field(entry, 1))
        probes.append(key)
        probes.append((key.0, key.1 &+ 1))
    }
    for (first, second) in probes {
        let bound = index.lowerBound(first, second)
        FuzzStore.require(bound >= 0 && bound <= index.entryCount, "lowerBound \(bound) outside 0...\(index.entryCount)")
        _ = index.mayContain(first)
    }
    let segment = FullSegmentIndex(base: base, end: end, streams: index, ids: index, times: index, queryKeys: index)
    switch kind {
    case .stream:
        var found: [VersionedPosition] = []
        for (hash, version) in probes.prefix(8) { segment.appendEntries(hash: hash, versions: version...(version | 0xFFFF), to: &found) }
    case .eventID:
        for (high, low) in probes.prefix(8) { _ = segment.position(of: EventID(high: high, low: low)) }
    case .time:
        for (time, _) in probes.prefix(8) { _ = segment.lastTimeEntry(before: Int64(bitPattern: time)) }
        _ = segment.firstTimestamp
    case .query:
        for (hash, after) in probes.prefix(8) {
            let found = segment.positions(ofKeyHash: hash, after: after)
            FuzzStore.require(zip(found, found.dropFirst()).allSatisfy { $0 < $1 }, "query postings not strictly ascending")
            FuzzStore.require(found.allSatisfy { $0 > after }, "query postings at or before the position asked after")
        }
    }
    return 0
}
