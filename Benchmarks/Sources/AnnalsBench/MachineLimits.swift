import AnnalsLog
import CBenchSupport
#if canImport(Glibc)
import Glibc
#endif

/// This machine's own limits, measured in the same run as the stores: the ceilings that
/// bound each Annals figure.
struct MachineLimits {
    let directory: String
    let settings: RunSettings
    let results: Results
    /// The workload's JSON lines, concatenated: the bytes the LZ4 and CRC figures run over.
    let sample: [UInt8]

    func measureAll() throws {
        try measureSyncLatency(extending: true)
        try measureSyncLatency(extending: false)
        try measureSequentialWrite()
        measureMemcpy()
        measureCRC32C()
        try measureLZ4(blockBytes: 64 * 1024)
        try measureLZ4(blockBytes: 256 * 1024)
    }

    /// fdatasync latency after a 4 KiB pwrite: at the end of the file (it grows, so the file
    /// size must be synced too) or over space already written and synced.
    func measureSyncLatency(extending: Bool) throws {
        let path = directory + (extending ? "/sync-extend" : "/sync-overwrite")
        let fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0o644)
        guard fd >= 0 else { throw BenchError("cannot create \(path): errno \(errno)") }
        defer { close(fd); unlink(path) }
        let block = [UInt8](repeating: 0x5A, count: 4096)
        let count = settings.quick ? 1_000 : 3_000
        if !extending {
            let preparedBytes = count * block.count
            let zeros = [UInt8](repeating: 0, count: preparedBytes)
            guard pwrite(fd, zeros, preparedBytes, 0) == preparedBytes, fdatasync(fd) == 0 else { throw BenchError("prefill failed") }
        }
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for index in 0..<count {
            let offset = off_t(index * block.count)
            guard pwrite(fd, block, block.count, offset) == block.count else { throw BenchError("pwrite failed: errno \(errno)") }
            let start = monotonicNanos()
            guard fdatasync(fd) == 0 else { throw BenchError("fdatasync failed: errno \(errno)") }
            samples.append(Double(monotonicNanos() - start) / 1000)
        }
        let kind = extending ? "extending" : "overwrite"
        let p50 = percentile(samples, 0.5)
        results.addLimit("fdatasync p50, 4 KiB \(kind)", Figure(value: p50, unit: "µs", note: "\(count) syncs"))
        results.addLimit("fdatasync p99, 4 KiB \(kind)", Figure(value: percentile(samples, 0.99), unit: "µs"))
        results.addLimit("syncs/s at p50, 4 KiB \(kind)", Figure(value: 1e6 / p50, unit: "syncs/s"))
    }

    /// Sequential 1 MiB pwrites to a new file, each followed by fdatasync.
    func measureSequentialWrite() throws {
        let path = directory + "/sequential"
        let fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0o644)
        guard fd >= 0 else { throw BenchError("cannot create \(path): errno \(errno)") }
        defer { close(fd); unlink(path) }
        let chunk = [UInt8](repeating: 0xA5, count: 1 << 20)
        let chunks = settings.quick ? 128 : 512
        let seconds = try timed {
            for index in 0..<chunks {
                guard pwrite(fd, chunk, chunk.count, off_t(index * chunk.count)) == chunk.count, fdatasync(fd) == 0 else {
                    throw BenchError("sequential write failed: errno \(errno)")
                }
            }
        }
        results.addLimit("sequential write, fdatasync every 1 MiB",
                         Figure(value: Double(chunks) / seconds * 1.048576, unit: "MB/s", note: "\(chunks) MiB"))
    }

    /// memcpy of a 64 MiB buffer (larger than the caches), best of several.
    func measureMemcpy() {
        let bytes = 64 << 20
        let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let destination = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { source.deallocate(); destination.deallocate() }
        memset(source, 0x3C, bytes)
        memset(destination, 0, bytes)
        let seconds = bestOf(settings.repeats + 2) { memcpy(destination, source, bytes) }
        results.addLimit("memcpy, 64 MiB", Figure(value: Double(bytes) / seconds / 1e9, unit: "GB/s"))
    }

    /// `CRC32C.checksum` over the workload's bytes in 4 KiB pieces and in one sweep.
    func measureCRC32C() {
        var sink: UInt32 = 0
        let whole = sample.withUnsafeBytes { raw in
            bestOf(settings.repeats + 1) { sink ^= CRC32C.checksum(raw) }
        }
        let pieces = sample.withUnsafeBytes { raw in
            bestOf(settings.repeats + 1) {
                var offset = 0
                while offset + 4096 <= raw.count {
                    sink ^= CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 4096]))
                    offset += 4096
                }
            }
        }
        let hardware = CRC32C.usesHardware ? "SSE4.2" : "table fallback"
        results.addLimit("CRC32C, one sweep", Figure(value: Double(sample.count) / whole / 1e9, unit: "GB/s", note: hardware))
        results.addLimit("CRC32C, 4 KiB pieces",
                         Figure(value: Double(sample.count / 4096 * 4096) / pieces / 1e9, unit: "GB/s", note: "checksum \(sink & 1)"))
    }

    /// Raw LZ4 (default level) over the workload's JSON lines cut into `blockBytes` blocks.
    func measureLZ4(blockBytes: Int) throws {
        let blocks = stride(from: 0, to: sample.count, by: blockBytes).map { ($0, min(blockBytes, sample.count - $0)) }
        let bound = Int(bench_lz4_bound(Int32(blockBytes)))
        var compressed = [[UInt8]](repeating: [], count: blocks.count)
        var compressedTotal = 0
        let compressSeconds = try sample.withUnsafeBytes { raw in
            try bestOf(settings.repeats) {
                compressedTotal = 0
                var scratch = [UInt8](repeating: 0, count: bound)
                for (index, (start, count)) in blocks.enumerated() {
                    let written = scratch.withUnsafeMutableBytes {
                        bench_lz4_compress(raw.baseAddress! + start, $0.baseAddress!, Int32(count), Int32(bound))
                    }
                    guard written > 0 else { throw BenchError("LZ4 compression failed") }
                    compressed[index] = Array(scratch[0..<Int(written)])
                    compressedTotal += Int(written)
                }
            }
        }
        var output = [UInt8](repeating: 0, count: blockBytes)
        let decompressSeconds = try bestOf(settings.repeats + 1) {
            for (index, (_, count)) in blocks.enumerated() {
                let got = compressed[index].withUnsafeBytes { source in
                    output.withUnsafeMutableBytes {
                        bench_lz4_decompress(source.baseAddress!, $0.baseAddress!, Int32(source.count), Int32(blockBytes))
                    }
                }
                guard got == count else { throw BenchError("LZ4 round trip lost bytes") }
            }
        }
        let label = "\(blockBytes / 1024) KiB blocks"
        results.addLimit("LZ4 ratio, \(label)", Figure(value: Double(sample.count) / Double(compressedTotal), unit: "×"))
        results.addLimit("LZ4 compression, \(label)", Figure(value: Double(sample.count) / compressSeconds / 1e6, unit: "MB/s"))
        results.addLimit("LZ4 decompression, \(label)", Figure(value: Double(sample.count) / decompressSeconds / 1e6, unit: "MB/s"))
    }
}
