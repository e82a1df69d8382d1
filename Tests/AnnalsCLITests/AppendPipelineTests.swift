import AnnalsTestSupport
import Foundation
import Testing

/// `annals append` with the parser on its own thread: acknowledgements in input order across
/// many reads and commits, a bad line deep in the input, `--stats`, and progress kept off
/// standard output.
@Suite(.timeLimit(.minutes(1))) struct AppendPipelineTests {
    /// `count` lines over `streams` streams, interleaved, each about 120 bytes.
    static func input(_ count: Int, streams: Int = 37) -> [String] {
        (0..<count).map { #"{"stream":"s-\#($0 % streams)","type":"T","data":{"n":\#($0),"pad":"\#(String(repeating: "p", count: 60))"}}"# }
    }

    /// The acknowledgement lines a fresh store owes `count` lines of `input`.
    static func expectedAcks(_ count: Int, streams: Int = 37) -> [String] {
        (0..<count).map { #"{"position":\#($0 + 1),"stream":"s-\#($0 % streams)","version":\#($0 / streams)}"# }
    }

    /// Proves 30,000 events sent in one go (many reads of the pipe, so many units and shared
    /// commits) are acknowledged one line each, in input order, with each stream's versions
    /// counting up, and all read back.
    @Test func acknowledgesInInputOrderAcrossManyCommits() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let lines = Self.input(30_000)
        let run = try CLIProcess.run(["append", "--dir", dir.path, "--durability", "none"], input: lines.joined(separator: "\n") + "\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutLines == Self.expectedAcks(30_000))
        #expect(try CLIProcess.run(["read", "--dir", dir.path]).stdoutLines.count == 30_000)
    }

    /// Proves a bad line deep in a long input stops the run naming its line: every line before
    /// it is acknowledged and stored, nothing after it is, and the store verifies clean.
    @Test(arguments: [1, 7_777, 19_999])
    func badLineDeepInTheInput(badLine: Int) throws {
        let dir = TemporaryDirectory(), inputs = TemporaryDirectory()
        defer { dir.remove(); inputs.remove() }
        var lines = Self.input(20_000)
        lines[badLine - 1] = #"{"stream":"s-0","type":"T","data":{"n":1,}}"#
        let run = try Self.run(["append", "--dir", dir.path], inputFile: inputs.file("input.jsonl"), lines.joined(separator: "\n"))
        #expect(run.status == 1)
        #expect(run.stderr.contains("line \(badLine):"), "\(run.stderr)")
        #expect(run.stdoutLines == Self.expectedAcks(badLine - 1))
        let read = try CLIProcess.run(["read", "--dir", dir.path])
        #expect(read.stdoutLines.count == badLine - 1)
        #expect(read.stdoutLines.last.map { $0.contains(#""n":\#(badLine - 2),"#) } ?? (badLine == 1))
        #expect(try CLIProcess.run(["verify", "--dir", dir.path]).status == 0)
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs `annals` with `input` written to `path` first and given as standard input: the
    /// command may stop reading early (a bad line) without a writer on a pipe getting SIGPIPE.
    static func run(_ arguments: [String], inputFile path: String, _ input: String) throws -> Output {
        try Data(input.utf8).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let outPath = path + ".out", errPath = path + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                                 stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                                 stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    /// Proves `--stats` writes one summary line to standard error with the event count, bytes,
    /// seconds and rate, and leaves standard output to the acknowledgements.
    @Test func statsLineGoesToStandardError() throws {
        let dir = TemporaryDirectory(), inputs = TemporaryDirectory()
        defer { dir.remove(); inputs.remove() }
        let input = Self.input(500).joined(separator: "\n") + "\n"
        let run = try Self.run(["append", "--dir", dir.path, "--stats"], inputFile: inputs.file("input.jsonl"), input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutLines == Self.expectedAcks(500))
        let summary = run.stderr.split(separator: "\n").map(String.init)
        #expect(summary.count == 1, "\(run.stderr)")
        #expect(summary.first?.hasPrefix("appended 500 events, \(ByteCount(input.utf8.count)) of input in ") == true, "\(run.stderr)")
        #expect(summary.first?.hasSuffix(" events/s") == true, "\(run.stderr)")
    }

    /// Proves forced progress goes to standard error only: standard output stays exactly the
    /// acknowledgements, and the JSON of `verify --json` and `seal --json` stays one parsable object.
    @Test func progressNeverMixesWithStandardOutput() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let append = try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "65536", "--sealing", "manual",
                                         "--progress", "always"], input: Self.input(3_000).joined(separator: "\n"))
        #expect(append.status == 0, "\(append.stderr)")
        #expect(append.stdoutLines == Self.expectedAcks(3_000))
        #expect(append.stderr.contains(" events/s"), "\(append.stderr)")
        for command in ["verify", "seal"] {
            let run = try CLIProcess.run([command, "--dir", dir.path, "--json", "--progress", "always", "--sealing", "manual"])
            #expect(run.status == 0, "\(command): \(run.stderr)")
            #expect(run.stdoutLines.count == 1, "\(command): \(run.stdout)")
            let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            #expect(object != nil, "\(command): \(run.stdout)")
            #expect(!run.stdout.contains("\u{1B}"))
            #expect(run.stderr.contains("\r"), "\(command): no progress drawn: \(run.stderr)")
        }
        let quiet = try CLIProcess.run(["verify", "--dir", dir.path, "--json", "--progress", "never"])
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    }
}

/// `ByteCount.text` as the CLI prints it, for matching its output.
private func ByteCount(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(bytes) B" : "\((value * 10).rounded() / 10) \(units[unit])"
}
