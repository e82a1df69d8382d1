import AnnalsLog
import AnnalsTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(10))) struct CLITests {
    /// Proves `annals append` acknowledges each event with position, stream and version, and
    /// `annals read` writes data and metadata back byte for byte as they were given.
    @Test func appendThenReadRoundTripsExactly() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = """
            {"stream":"order-1","type":"OrderCreated","data":{"b":2,"a":[1,2.50,"x\\u00e9"]},"metadata":{"k":"v"}}
            {"stream":"order-2","type":"OrderCreated","data":"just a string","id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}
            {"stream":"order-1","type":"ItemAdded","data":  1e3 }

            """
        let append = try CLIProcess.run(["append", "--dir", dir.path], input: input)
        #expect(append.status == 0, "\(append.stderr)")
        #expect(append.stdoutLines == [
            #"{"position":1,"stream":"order-1","version":0}"#,
            #"{"position":2,"stream":"order-2","version":0}"#,
            #"{"position":3,"stream":"order-1","version":1}"#,
        ])
        let read = try CLIProcess.run(["read", "--dir", dir.path])
        #expect(read.status == 0)
        let lines = read.stdoutLines
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""data":{"b":2,"a":[1,2.50,"x\u00e9"]},"metadata":{"k":"v"}"#))
        #expect(lines[1].contains(#""id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b""#))
        #expect(lines[1].contains(#""data":"just a string","metadata":null"#))
        #expect(lines[2].contains(#""data":1e3"#))
        let backward = try CLIProcess.run(["read", "--dir", dir.path, "--backward", "--limit", "2"])
        #expect(backward.stdoutLines.map { $0.hasPrefix(#"{"position":3"#) || $0.hasPrefix(#"{"position":2"#) } == [true, true])
    }

    /// Proves a bad line stops `append` with its line number and a non-zero exit, keeping every
    /// event before it and appending nothing after it.
    @Test(arguments: [
        #"{"stream":"s","type":"T","data":[1,}"#,
        #"{"stream":"s","type":"T"}"#,
        #"{"stream":"","type":"T","data":1}"#,
        #"{"stream":"s","type":"T","data":1,"id":"not-a-uuid"}"#,
        #"{"stream":"s","type":"T","data":1,"metadata":[1]}"#,
        #"{"stream":"s","type":"T","data":1,"extra":true}"#,
        #"{"stream":"s","type":"T","data":1,"data":2}"#,
        #"["not","an","object"]"#,
        "{\"stream\":\"s\",\"type\":\"T\",\"data\":\"\u{01}\"}",
        String(repeating: "[", count: 10_000),
    ])
    func badLineIsReportedWithItsNumber(bad: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = "{\"stream\":\"s\",\"type\":\"T\",\"data\":1}\n" + bad + "\n{\"stream\":\"s\",\"type\":\"T\",\"data\":3}\n"
        let append = try CLIProcess.run(["append", "--dir", dir.path], input: input)
        #expect(append.status != 0)
        #expect(append.stderr.contains("line 2"), "\(append.stderr)")
        #expect(append.stdoutLines == [#"{"position":1,"stream":"s","version":0}"#])
        let read = try CLIProcess.run(["read", "--dir", dir.path])
        #expect(read.stdoutLines.count == 1)
    }

    /// Proves verify (read-only) exits 0 on a healthy store and on one with a torn write past
    /// the durable end (what a crash mid-write leaves: recovery will cut it, no reader sees it),
    /// exits non-zero naming the file when durable records are cut short or a full segment is
    /// corrupt, and changes no file.
    @Test func verifyExitCodes() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let lines = (0..<200).map { #"{"stream":"s-\#($0 % 7)","type":"T","data":{"n":\#($0)}}"# }.joined(separator: "\n")
        #expect(try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "4096", "--sealing", "manual"], input: lines).status == 0)
        #expect(try CLIProcess.run(["verify", "--dir", dir.path, "--sealing", "manual"]).status == 0)
        let logs = FileBytes.names(in: dir.path, suffix: ".log")
        let active = dir.file(logs.last!)
        try? PosixFileSystem().remove(dir.file("CLEAN"))
        let durable = FileBytes.read(active)
        FileBytes.write(active, durable + [0x41, 0, 0, 0, 0x40, 0, 0, 0, 7, 7, 7, 7, 7])
        let torn = try CLIProcess.run(["verify", "--dir", dir.path, "--sealing", "manual"])
        #expect(torn.status == 0, "\(torn.stdout)")
        #expect(FileBytes.read(active).count == durable.count + 13, "verify changed the file")
        FileBytes.write(active, Array(durable.dropLast(5)))
        let cut = try CLIProcess.run(["verify", "--dir", dir.path, "--sealing", "manual"])
        #expect(cut.status != 0 && cut.stdout.contains(logs.last!), "\(cut.stdout)")
        FileBytes.write(active, durable)
        FileBytes.flipBit(dir.file(logs[0]), byte: 200, bit: 4)
        let corrupt = try CLIProcess.run(["verify", "--dir", dir.path, "--json", "--sealing", "manual"])
        #expect(corrupt.status != 0)
        #expect(corrupt.stdout.contains(logs[0]))
    }

    /// Proves stats reports records and the position range, as JSON for scripts.
    @Test func statsAsJSON() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try CLIProcess.run(["append", "--dir", dir.path], input: #"{"stream":"a","type":"T","data":1}"#)
        let stats = try CLIProcess.run(["stats", "--dir", dir.path, "--json"])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains(#""records":1"#))
        #expect(stats.stdout.contains(#""firstPosition":1,"lastPosition":1"#))
    }

    /// Proves bad arguments and a missing store fail with a message, never a crash.
    @Test(arguments: [
        ["read", "--dir", "/nonexistent/annals-test", "--limit", "0"],
        ["verify", "--dir", "/nonexistent/annals-test"],
        ["stats", "--dir", "/nonexistent/annals-test"],
        ["append", "--dir", "/proc/annals-cannot-create"],
        ["append", "--dir", "x", "--segment-size", "12"],
        ["append", "--dir", "x", "--durability", "sometimes"],
    ])
    func badArgumentsFailCleanly(arguments: [String]) throws {
        let result = try CLIProcess.run(arguments)
        #expect(result.status != 0)
        #expect(result.status < 128, "terminated by a signal: \(result.status)")
        #expect(!result.stderr.isEmpty)
    }
}

@Suite(.timeLimit(.minutes(10))) struct CLISealTests {
    /// Proves `annals seal` seals every full segment with a progress line each, that stats then
    /// shows sealed bytes and a ratio, and that every record still reads back identically.
    @Test func sealThenStatsThenRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let lines = (0..<400).map { #"{"stream":"order-\#($0 % 9)","type":"ItemAdded","data":{"sku":"SKU-\#($0 % 50)","quantity":\#($0 % 4),"note":"a fairly repetitive note"}}"# }
        for chunk in stride(from: 0, to: lines.count, by: 40) {
            let input = lines[chunk..<(chunk + 40)].joined(separator: "\n")
            #expect(try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "8192"], input: input).status == 0)
        }
        let before = try CLIProcess.run(["read", "--dir", dir.path]).stdout
        let seal = try CLIProcess.run(["seal", "--dir", dir.path])
        #expect(seal.status == 0, "\(seal.stderr)")
        let stats = try CLIProcess.run(["stats", "--dir", dir.path, "--json"])
        #expect(stats.stdout.contains(#""sealedRatio":"#))
        #expect(!stats.stdout.contains(#""sealedRatio":null"#))
        #expect(!stats.stdout.contains(#""state":"raw""#))
        #expect(FileBytes.names(in: dir.path, suffix: ".sealed").count >= 3)
        #expect(try CLIProcess.run(["read", "--dir", dir.path]).stdout == before)
        #expect(try CLIProcess.run(["verify", "--dir", dir.path]).status == 0)
        let again = try CLIProcess.run(["seal", "--dir", dir.path])
        #expect(again.stdout.contains("nothing to seal"))
    }
}
