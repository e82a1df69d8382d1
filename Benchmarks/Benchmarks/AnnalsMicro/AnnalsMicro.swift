import Benchmark
import AnnalsLog

let benchmarks: @Sendable () -> Void = {
    Benchmark("CRC32C 4 KiB") { benchmark in
        let bytes = [UInt8](repeating: 7, count: 4096)
        for _ in benchmark.scaledIterations { blackHole(CRC32C.checksum(bytes)) }
    }
}
