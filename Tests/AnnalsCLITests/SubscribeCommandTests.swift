import AnnalsTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `annals subscribe`: prints history from a position, follows, and ends cleanly on a signal.
/// The store's LOCK admits one process, so the subscriber is the store's only opener here: it
/// is started on a store holding events and must print them.
@Suite(.timeLimit(.minutes(10))) struct SubscribeCommandTests {
    /// A running `annals subscribe` whose standard output is collected on a thread.
    final class Subscriber: Sendable {
        let process: Process
        let output = Guarded<[UInt8]>([])
        let errors = Guarded<[UInt8]>([])

        init(_ arguments: [String]) throws {
            process = Process()
            process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
            process.arguments = ["subscribe"] + arguments
            let stdout = Pipe(), stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            try process.run()
            for (pipe, sink) in [(stdout, output), (stderr, errors)] {
                Thread {
                    while true {
                        let chunk = pipe.fileHandleForReading.availableData
                        if chunk.isEmpty { break }
                        sink.withLock { $0 += Array(chunk) }
                    }
                }.start()
            }
        }

        var lines: [String] { String(decoding: output.withLock { $0 }, as: UTF8.self).split(separator: "\n").map(String.init) }

        /// Waits until `count` lines arrived or `seconds` passed.
        func waitForLines(_ count: Int, seconds: Double = 20) -> [String] {
            Deadline.wait(seconds: seconds) { lines.count >= count || !process.isRunning }
            return lines
        }

        /// Sends `signal` and waits for the exit; returns the status and whether it was a normal exit.
        func stop(with signal: Int32, seconds: Double = 20) -> (status: Int32, exited: Bool) {
            kill(process.processIdentifier, signal)
            Deadline.wait(seconds: seconds) { !process.isRunning }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            return (process.terminationStatus, process.terminationReason == .exit)
        }
    }

    static func store(events: Int) throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        let input = (0..<events).map { #"{"stream":"\#($0 % 2 == 0 ? "order" : "user")-\#($0)","type":"T","data":{"n":\#($0)}}"# }
        #expect(try CLIProcess.run(["append", "--dir", dir.path], input: input.joined(separator: "\n")).status == 0)
        return dir
    }

    /// Proves `subscribe --from 1` prints every stored event in the `annals read` format, keeps
    /// following, and exits 0 on SIGTERM and on SIGINT.
    @Test(arguments: [SIGTERM, SIGINT])
    func printsHistoryThenExitsCleanlyOnSignal(signal: Int32) throws {
        let dir = try Self.store(events: 5)
        defer { dir.remove() }
        let expected = try CLIProcess.run(["read", "--dir", dir.path]).stdoutLines
        let subscriber = try Subscriber(["--dir", dir.path, "--from", "1"])
        #expect(subscriber.waitForLines(5) == expected)
        let exited = Deadline.wait(seconds: 0.1) { !subscriber.process.isRunning }
        #expect(!exited, "subscribe must keep following, not exit after the history")
        let end = subscriber.stop(with: signal)
        #expect(end.exited && end.status == 0, "status \(end.status), stderr: \(String(decoding: subscriber.errors.withLock { $0 }, as: UTF8.self))")
        #expect(subscriber.lines == expected)
    }

    /// Proves `--category` and `--from` select events, and that without `--from` only new events
    /// would be printed (none here), by subscribing twice to a store of six events.
    @Test func filtersAndStartPosition() throws {
        let dir = try Self.store(events: 6)
        defer { dir.remove() }
        let orders = try Subscriber(["--dir", dir.path, "--from", "2", "--category", "order"])
        let lines = orders.waitForLines(2)
        #expect(lines.map { $0.hasPrefix(#"{"position":3,"stream":"order-2""#) || $0.hasPrefix(#"{"position":5,"stream":"order-4""#) } == [true, true])
        #expect(orders.stop(with: SIGTERM) == (0, true))
        let live = try Subscriber(["--dir", dir.path])
        // Nothing may arrive: give any (wrong) line 0.3 s to show up, returning early if one does.
        Deadline.wait(seconds: 0.3) { !live.lines.isEmpty }
        #expect(live.stop(with: SIGTERM) == (0, true))
        #expect(live.lines.isEmpty)
    }

    /// Proves `--tag` (with `--type`) and `--query` follow a tag query: exactly the lines of a
    /// whole-log read that it selects, tags included, in order.
    @Test func followsATagQuery() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = (0..<12).map { #"{"stream":"s-\#($0)","type":"\#($0 % 2 == 0 ? "A" : "B")","tags":["k:\#($0 % 3)","all"],"data":\#($0)}"# }
        #expect(try CLIProcess.run(["append", "--dir", dir.path], input: input.joined(separator: "\n")).status == 0)
        let all = try CLIProcess.run(["read", "--dir", dir.path]).stdoutLines
        let cases: [([String], [Int])] = [
            (["--tag", "k:1", "--type", "A"], [4, 10]),
            (["--tag", "k:2", "--tag", "all"], [2, 5, 8, 11]),
            (["--query", #"[{"tags":["k:0"],"types":["B"]},{"types":["A"],"tags":["k:2"]}]"#], [2, 3, 8, 9]),
        ]
        for (arguments, indexes) in cases {
            let subscriber = try Subscriber(["--dir", dir.path, "--from", "1"] + arguments)
            _ = subscriber.waitForLines(indexes.count)
            #expect(subscriber.stop(with: SIGTERM) == (0, true))
            #expect(subscriber.lines == indexes.map { all[$0] }, "\(arguments)")
        }
    }

    /// Proves bad arguments and a missing store fail with a message and never trap.
    @Test(arguments: [
        ["--dir", "/nonexistent/annals-subscribe"],
        ["--dir", "x", "--category", "a", "--type", "T"],
        ["--dir", "x", "--category", "a", "--tag", "t"],
        ["--dir", "x", "--query", "[{}]", "--type", "T"],
        ["--dir", "x", "--query", "[{\"tag\":[]}]"],
        ["--dir", "x", "--tag", ""],
        ["--dir", "x", "--from", "-3"],
        ["--from", "1"],
    ])
    func badArgumentsFailCleanly(arguments: [String]) throws {
        let run = try CLIProcess.run(["subscribe"] + arguments)
        #expect(run.status != 0)
        #expect(run.status < 128, "terminated by a signal: \(run.status)")
        #expect(!run.stderr.isEmpty)
    }
}
