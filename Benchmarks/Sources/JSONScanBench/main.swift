import AnnalsJSON
#if canImport(Glibc)
import Glibc
#endif

// The CLI's JSON scanner alone, in MB/s of JSON lines, beside a plain memchr-over-lines
// baseline (the least any line reader does). Reads a JSONL file into memory once, then times
// passes over it block by block; prints one markdown table.
//
//   JSONScanBench <events.jsonl> [--seconds S]

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fatalError("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count == 0 { break }
        bytes += chunk[0..<count]
    }
    return bytes
}

/// Times `pass` over the input in blocks of about 256 KiB (whole lines), each repeated until
/// `seconds` have gone by, and keeps each block's best time: a block fits in one time slice,
/// so a busy machine's preemptions drop out. MB/s is the input's size over the sum of the
/// best block times.
func measure(_ input: UnsafeBufferPointer<UInt8>, seconds: Double, _ pass: (UnsafeBufferPointer<UInt8>) -> Int) -> (mbPerSecond: Double, lines: Int) {
    var blocks: [UnsafeBufferPointer<UInt8>] = []
    var start = 0
    while start < input.count {
        var end = min(start + (256 << 10), input.count)
        while end < input.count && input[end - 1] != 0x0A { end += 1 }
        blocks.append(UnsafeBufferPointer(rebasing: input[start..<end]))
        start = end
    }
    var best = [Double](repeating: .infinity, count: blocks.count)
    var lines = 0
    let until = now() + seconds
    repeat {
        lines = 0
        for (number, block) in blocks.enumerated() {
            let start = now()
            lines += pass(block)
            best[number] = min(best[number], now() - start)
        }
    } while now() < until
    return (Double(input.count) / best.reduce(0, +) / 1e6, lines)
}

/// Calls `body` with each line (newline excluded), found with memchr.
@inline(__always)
func forEachLine(_ input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var start = 0
    let base = input.baseAddress!
    while start < input.count {
        let end: Int
        if let newline = memchr(base + start, 0x0A, input.count - start) {
            end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
        } else {
            end = input.count
        }
        body(UnsafeBufferPointer(start: base + start, count: end - start))
        start = end + 1
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: JSONScanBench <events.jsonl> [--seconds S]")
    exit(2)
}
let seconds = arguments.firstIndex(of: "--seconds").flatMap { Double(arguments[$0 + 1]) } ?? 2
let bytes = readFile(arguments[1])

bytes.withUnsafeBufferPointer { input in
    let baseline = measure(input, seconds: seconds) { input in
        var lines = 0
        forEachLine(input) { line in lines += line.count > 0 ? 1 : 0 }
        return lines
    }
    let validate = measure(input, seconds: seconds) { input in
        var lines = 0
        forEachLine(input) { line in if (try? JSONValidator.validate(line)) != nil { lines += 1 } }
        return lines
    }
    let extract = measure(input, seconds: seconds) { input in
        var lines = 0
        forEachLine(input) { line in
            guard let fields = try? EventLine.scan(line) else { return }
            // What `annals append` takes from a line: the stream and type as Strings.
            if let stream = fields.stream?.string, let type = fields.type?.string,
               !stream.decoded(in: line).isEmpty, !type.decoded(in: line).isEmpty { lines += 1 }
        }
        return lines
    }
    print("| JSON scan of \(bytes.count) bytes, \(baseline.lines) lines (best time per 256 KiB block) | MB/s | valid lines |")
    print("|---|---|---|")
    print("| memchr over lines (baseline) | \(Int(baseline.mbPerSecond)) | - |")
    print("| `JSONValidator.validate` per line | \(Int(validate.mbPerSecond)) | \(validate.lines) |")
    print("| `EventLine.scan` + stream and type as Strings | \(Int(extract.mbPerSecond)) | \(extract.lines) |")
}
