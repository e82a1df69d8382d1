import AnnalsLog
import FuzzSupport

/// libFuzzer entry: a `.sealed` file (docs/FORMAT.md §6: header, LZ4 blocks, block index,
/// footer, trailer) in place of a valid store's sealed segment. The first byte's low three bits
/// choose what is repaired before the open, so the checks behind each checksum are fuzzed too:
/// 1 the header checksum, 2 the trailer (its size fields and checksum), 4 the block index
/// checksum and the footer checksum. Whatever the bytes, the store fails to open with a typed
/// error, or it opens and reads gapless from 1 (any bad block a typed `.corruption`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSealedOpen(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let mode = data[0]
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    repair(&bytes, mode: mode)
    let store = SealedFuzzStore.shared
    var files = store.files
    files[store.sealedName] = bytes
    let fs = FuzzStore.fileSystem(with: files)
    guard let log = try? Log.open(directory: FuzzStore.directory, options: SealedFuzzStore.options(fs)) else { return 0 }
    defer { try? log.close() }
    FuzzStore.checkConsistent(log)
    return 0
}

/// Rewrites the checksums and size fields `mode` names, wherever they fit in `bytes`.
func repair(_ bytes: inout [UInt8], mode: UInt8) {
    let count = bytes.count
    if mode & 1 != 0 { ChecksumRepair.patch(&bytes, from: 0, to: 60, at: 60) }
    guard count >= 64 + 128 + 32 else { return }
    let trailer = count - 32
    let footer = trailer - 128
    if mode & 2 != 0 {
        ChecksumRepair.store(UInt64(footer), into: &bytes, at: trailer + 8)
        ChecksumRepair.store(UInt64(count), into: &bytes, at: trailer + 16)
        ChecksumRepair.patch(&bytes, from: trailer, to: trailer + 28, at: trailer + 28)
    }
    if mode & 4 != 0 {
        let indexOffset = ChecksumRepair.load(bytes, at: footer + 72, as: UInt64.self) ?? 0
        let blockCount = ChecksumRepair.load(bytes, at: footer + 80, as: UInt32.self) ?? 0
        let indexEnd = indexOffset &+ UInt64(blockCount) &* 32
        if indexOffset <= UInt64(footer), indexEnd >= indexOffset, indexEnd <= UInt64(footer) {
            ChecksumRepair.patch(&bytes, from: Int(indexOffset), to: Int(indexEnd), at: footer + 84)
        }
        ChecksumRepair.patch(&bytes, from: footer, to: footer + 124, at: footer + 124)
    }
}
