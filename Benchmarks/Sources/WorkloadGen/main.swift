#if canImport(Glibc)
import Glibc
#endif

/// Writes the benchmark workload (`OrderWorkload`) as JSON lines and as the harness's
/// TAB-separated form, from a seed:
///
///     WorkloadGen --events N [--streams N] [--seed 1] --jsonl FILE [--tsv FILE]
///
/// The TSV lines carry the same bytes as the JSON lines' fields: stream, type, the `data`
/// object and the `metadata` object, compact (no field holds a tab or a newline).
struct Arguments {
    var events = 1_000_000
    var streams = 0
    var seed: UInt64 = 1
    var jsonlPath = ""
    var tsvPath: String?

    static let usage = "usage: WorkloadGen --events N [--streams N] [--seed S] --jsonl FILE [--tsv FILE]"

    static func parse(_ arguments: [String]) -> Arguments? {
        var parsed = Arguments()
        var index = 1
        while index < arguments.count {
            guard index + 1 < arguments.count else { return nil }
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--events": guard let number = Int(value), number > 0 else { return nil }; parsed.events = number
            case "--streams": guard let number = Int(value), number >= 0 else { return nil }; parsed.streams = number
            case "--seed": guard let number = UInt64(value) else { return nil }; parsed.seed = number
            case "--jsonl": parsed.jsonlPath = value
            case "--tsv": parsed.tsvPath = value
            default: return nil
            }
            index += 2
        }
        return parsed.jsonlPath.isEmpty ? nil : parsed
    }
}

/// A file written through stdio's buffer; exits with a message on any failure.
struct OutputFile {
    let handle: UnsafeMutablePointer<FILE>
    let path: String

    init(_ path: String) {
        guard let handle = fopen(path, "w") else { fail("cannot create \(path): errno \(errno)") }
        self.handle = handle
        self.path = path
    }

    func writeLine(_ line: String) {
        var line = line
        line += "\n"
        let written = line.withUTF8 { fwrite($0.baseAddress, 1, $0.count, handle) }
        if written != line.utf8.count { fail("cannot write \(path): errno \(errno)") }
    }

    func close() {
        if fclose(handle) != 0 { fail("cannot close \(path): errno \(errno)") }
    }
}

func fail(_ message: String) -> Never {
    let line = "WorkloadGen: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

guard let arguments = Arguments.parse(CommandLine.arguments) else { fail(Arguments.usage) }
var workload = OrderWorkload(events: arguments.events, streams: arguments.streams, seed: arguments.seed)
let jsonl = OutputFile(arguments.jsonlPath)
let tsv = arguments.tsvPath.map { OutputFile($0) }
var events = 0
var bytes = 0
var streams = Set<String>()
while let event = workload.next() {
    let line = event.jsonLine
    jsonl.writeLine(line)
    tsv?.writeLine(event.tsvLine)
    events += 1
    bytes += line.utf8.count + 1
    streams.insert(event.stream)
}
jsonl.close()
tsv?.close()
let perLine = events > 0 ? Double(bytes) / Double(events) : 0
let perStream = streams.isEmpty ? 0 : Double(events) / Double(streams.count)
print("WorkloadGen: \(events) events in \(streams.count) streams (\((perStream * 100).rounded() / 100) a stream), "
      + "\(bytes) bytes of JSON lines (\((perLine * 10).rounded() / 10) a line), seed \(arguments.seed)")
