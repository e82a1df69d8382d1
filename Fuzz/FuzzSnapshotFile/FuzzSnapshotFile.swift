@testable import Annals
import AnnalsLog
import FuzzSupport

/// libFuzzer entry: a snapshot file (docs/FORMAT.md §8). The first byte chooses whether the
/// body length and both checksums are repaired first (odd: yes), so the entry parser behind them
/// is fuzzed too. A file decode accepts holds at most `entriesMax` entries in increasing stream
/// version, and round-trips.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSnapshotFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 1 {
        ChecksumRepair.store(UInt32(max(0, bytes.count - SnapshotFile.headerBytes)), into: &bytes, at: 12)
        ChecksumRepair.patch(&bytes, from: SnapshotFile.headerBytes, at: 16)
        ChecksumRepair.patch(&bytes, from: 0, to: 20, at: 20)
    }
    guard let decoded = SnapshotFile.decode(bytes) else { return 0 }
    FuzzStore.require(decoded.entries.count <= SnapshotFile.entriesMax, "\(decoded.entries.count) entries decoded")
    FuzzStore.require(zip(decoded.entries, decoded.entries.dropFirst()).allSatisfy { $0.streamVersion < $1.streamVersion },
                      "entries out of order decoded")
    let again = SnapshotFile.decode(SnapshotFile.encode(stream: decoded.stream, entries: decoded.entries))
    FuzzStore.require(again?.stream == decoded.stream && again?.entries == decoded.entries, "snapshot did not round-trip")
    _ = SnapshotFile.fileName(for: decoded.stream)
    return 0
}
