import FuzzSupport

/// libFuzzer entry: the input is the record area of an active segment behind a valid header.
/// Recovery decodes it; whatever opens must read back consistently and verify without a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzStore.openAndCheck(segment: FuzzStore.validHeader() + input)
    return 0
}
