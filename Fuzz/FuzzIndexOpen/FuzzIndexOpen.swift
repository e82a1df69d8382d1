import AnnalsLog
import FuzzSupport

/// libFuzzer entry: a valid two-segment store whose position index is replaced by the input
/// (the first byte picks the full segment's index or the active one's). An index is derived
/// data, so whatever its bytes, the store must open and read back exactly its records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndexOpen(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let store = IndexFuzzStore.shared
    var files = store.files
    let target = store.indexNames[Int(input.first ?? 0) % store.indexNames.count]
    files[target] = Array(input.dropFirst())
    let fs = FuzzStore.fileSystem(with: files)
    let log: Log
    do {
        log = try Log.open(directory: FuzzStore.directory, options: LogOptions(segmentBytes: FuzzStore.segmentBytes, fileSystem: fs))
    } catch {
        FuzzStore.require(false, "a store with only a bad index failed to open: \(error)")
        return 0
    }
    defer { try? log.close() }
    let records = try? log.read(from: .first, limit: .max)
    FuzzStore.require(FuzzStore.sameRecords(records, store.records), "the store read back different records with index \(target) replaced")
    FuzzStore.require(log.verify().isHealthy, "verify found problems after the index was rebuilt")
    return 0
}
