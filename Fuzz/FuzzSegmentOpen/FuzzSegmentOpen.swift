import FuzzSupport

/// libFuzzer entry: the input is a whole segment file, header included. Opening it must fail
/// with a typed error or give a store that reads back consistently.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegmentOpen(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzStore.openAndCheck(segment: input)
    return 0
}
