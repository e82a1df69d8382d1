@testable import Annals
import AnnalsLog
import FuzzSupport

/// libFuzzer entry: the heads checkpoint `streams.heads` (docs/FORMAT.md §7 S2). The first byte
/// chooses whether both checksums are repaired first (odd: yes), so the entry parser behind them
/// is fuzzed too. A file decode accepts must hold heads the stream layer can use without a trap
/// (a next version that exists, a truncation point no later than it; a head may lie past the
/// covered position, FORMAT.md §7 S2) and must round-trip.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeadsFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 1 {
        ChecksumRepair.patch(&bytes, from: StreamHeadsFile.headerBytes, at: 24)
        ChecksumRepair.patch(&bytes, from: 0, to: 28, at: 28)
    }
    guard let decoded = StreamHeadsFile.decode(bytes) else { return 0 }
    for (name, head) in decoded.heads {
        FuzzStore.require(!name.isEmpty, "an empty stream name decoded")
        FuzzStore.require(head.lastVersion != .max, "stream \(name): a last version with no next version decoded")
        FuzzStore.require(head.truncateBefore <= head.nextVersion, "stream \(name): truncated past its next version")
        _ = head.nextVersion
        _ = head.liveVersion
    }
    let again = StreamHeadsFile.decode(StreamHeadsFile.encode(decoded.heads, coveredNext: decoded.coveredNext))
    FuzzStore.require(again?.heads == decoded.heads && again?.coveredNext == decoded.coveredNext, "heads did not round-trip")
    return 0
}
