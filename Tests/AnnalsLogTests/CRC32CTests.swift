import CCRC32C
import Testing
@testable import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct CRC32CTests {
    /// Proves both code paths produce the standard CRC32C check value for "123456789".
    @Test func checkValue() {
        let input = Array("123456789".utf8)
        #expect(CRC32C.checksum(input) == 0xE306_9283)
        #expect(input.withUnsafeBytes { annals_crc32c_software(0, $0.baseAddress, $0.count) } == 0xE306_9283)
    }

    /// Proves the hardware and software paths agree on every length and alignment up to 300 bytes,
    /// and that chaining two calls equals one call over the concatenation.
    @Test func pathsAgreeAndChain() {
        var random = SystemRandomNumberGenerator()
        let data = (0..<320).map { _ in UInt8.random(in: 0...255, using: &random) }
        data.withUnsafeBytes { raw in
            for start in 0..<8 {
                for length in 0...(300 - start) {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                    let hardware = annals_crc32c(0, slice.baseAddress, slice.count)
                    let software = annals_crc32c_software(0, slice.baseAddress, slice.count)
                    #expect(hardware == software, "start \(start) length \(length)")
                }
            }
            let whole = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<100]))
            let first = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<37]))
            #expect(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[37..<100]), continuing: first) == whole)
        }
    }

    /// Proves the three-chain hardware path (buffers of 384 bytes and more, in stripes of 128
    /// and 4,096 bytes) agrees with the software path on lengths around every stripe boundary,
    /// at every alignment, and that chaining across a stripe boundary still equals one call.
    @Test func stripedPathAgreesAcrossStripeBoundaries() {
        var random = SystemRandomNumberGenerator()
        let data = (0..<40_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let lengths = [383, 384, 385, 391, 392, 767, 768, 1000, 4095, 12_287, 12_288, 12_289, 12_288 + 384, 24_576 + 500, 39_990]
        data.withUnsafeBytes { raw in
            for start in 0..<8 {
                for length in lengths {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                    #expect(annals_crc32c(0, slice.baseAddress, slice.count) == annals_crc32c_software(0, slice.baseAddress, slice.count),
                            "start \(start) length \(length)")
                }
            }
            let whole = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<30_000]))
            let first = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<12_300]))
            #expect(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[12_300..<30_000]), continuing: first) == whole)
        }
    }

    /// Proves concurrent first use of the software table is safe and consistent (run under TSan).
    @Test func concurrentSoftwareUse() async {
        let input = Array("123456789".utf8)
        await withTaskGroup(of: UInt32.self) { group in
            for _ in 0..<8 {
                group.addTask { input.withUnsafeBytes { annals_crc32c_software(0, $0.baseAddress, $0.count) } }
            }
            for await value in group { #expect(value == 0xE306_9283) }
        }
    }
}
