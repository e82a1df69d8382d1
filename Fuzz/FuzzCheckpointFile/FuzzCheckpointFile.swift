@testable import Annals
import AnnalsLog
import AnnalsTestSupport
import FuzzSupport

/// libFuzzer entry: the subscription checkpoints file (docs/FORMAT.md §7 S3), through the same
/// `CheckpointStore` the store opens. The first byte chooses whether both checksums are repaired
/// first (odd: yes). A bad file is a typed `.corruption` (checkpoints cannot be rebuilt); a
/// good one loads, saves a new checkpoint, and reads back what it held plus the new one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpointFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 1 {
        ChecksumRepair.patch(&bytes, from: CheckpointStore.headerBytes, at: 8)
        ChecksumRepair.patch(&bytes, from: 0, to: 12, at: 12)
    }
    let decoded = CheckpointStore.decode(bytes)
    let fs = FuzzStore.fileSystem(with: [CheckpointStore.fileName: bytes])
    let store: CheckpointStore
    do {
        store = try CheckpointStore(fileSystem: fs, directory: FuzzStore.directory)
    } catch {
        FuzzStore.require(error.code == .corruption && decoded == nil, "checkpoints failed with \(error) although they decode")
        return 0
    }
    FuzzStore.require(decoded != nil, "checkpoints that do not decode were loaded")
    for (name, position) in decoded! {
        FuzzStore.require(store.position(named: name) == position, "checkpoint \(name) read back different")
    }
    do {
        try store.save(LogPosition(7), named: "fuzz-probe")
    } catch {
        FuzzStore.require(false, "saving a checkpoint failed on a healthy disk: \(error)")
    }
    let reloaded = try? CheckpointStore(fileSystem: fs, directory: FuzzStore.directory)
    FuzzStore.require(reloaded?.position(named: "fuzz-probe") == LogPosition(7), "a saved checkpoint did not read back")
    for (name, position) in decoded! where name != "fuzz-probe" {
        FuzzStore.require(reloaded?.position(named: name) == position, "checkpoint \(name) changed on save")
    }
    return 0
}
