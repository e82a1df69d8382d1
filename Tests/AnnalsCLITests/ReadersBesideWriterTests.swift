import AnnalsTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Processes that read a store while another process writes it: `read`, `stats`, `streams`,
/// `verify` and `subscribe` open read-only beside a running `annals append`, follow it across
/// rolls and seals, survive its kill -9 and its successor, and never see a torn record.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ReadersBesideWriterTests {
    /// A running `annals append` fed line by line, whose acknowledgements are collected.
    final class Writer: Sendable {
        let process = Process()
        let input = Pipe()
        let acknowledgements = Guarded<[UInt8]>([])

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
            process.arguments = ["append"] + arguments
            let stdout = Pipe()
            process.standardInput = input
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread { [acknowledgements] in
                while true {
                    let chunk = stdout.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    acknowledgements.withLock { $0 += Array(chunk) }
                }
            }.start()
        }

        /// Acknowledged positions, in order.
        var acknowledged: [UInt64] {
            String(decoding: acknowledgements.withLock { $0 }, as: UTF8.self).split(separator: "\n").compactMap { line in
                guard let range = line.range(of: #""position":"#) else { return nil }
                return UInt64(line[range.upperBound...].prefix { $0.isNumber })
            }
        }

        func send(_ events: Range<Int>) {
            let lines = events.map { #"{"stream":"order-\#($0 % 5)","type":"Placed","data":{"n":\#($0),"pad":"\#(String(repeating: "x", count: 200))"}}"# }
            input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func finish() -> Int32 {
            try? input.fileHandleForWriting.close()
            Deadline.wait(seconds: 60) { !process.isRunning }
            if process.isRunning { kill9() }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// Proves two `annals subscribe` processes follow a writer process through many rolls, its
    /// background seals, a kill -9 and a second writer, delivering every event of the final
    /// store exactly once and in order (one of them killed -9 too, and resumed by a third after
    /// its last line); that every acknowledged event survives; and that `read`,
    /// `stats --json`, `streams` and `verify` each succeed while a writer holds the store.
    @Test func subscribersFollowWritersThroughKillAndRestart() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = ["--dir", dir.path, "--segment-size", "65536"]
        let first = try Writer(store)
        first.send(0..<300)
        #expect(Deadline.wait(seconds: 60) { first.acknowledged.count == 300 })
        let subscribers = try (0..<2).map { _ in try SubscribeCommandTests.Subscriber(["--dir", dir.path, "--from", "1"]) }
        for command in [["read"], ["stats", "--json"], ["streams"], ["verify"]] {
            let run = try CLIProcess.run(command + ["--dir", dir.path])
            #expect(run.status == 0, "\(command) beside a writer: \(run.stderr)")
        }
        first.send(300..<1500)
        #expect(Deadline.wait(seconds: 60) { first.acknowledged.count >= 900 })
        first.kill9()
        let acknowledgedBefore = first.acknowledged
        // A reader killed mid-stream costs nothing but itself: a new one resumes after the last
        // line the dead one printed.
        let killed = subscribers[1]
        kill(killed.process.processIdentifier, SIGKILL)
        killed.process.waitUntilExit()
        // Whole lines only: a line the kill cut short is printed again by the next reader.
        let killedOutput = killed.output.withLock { $0 }
        let killedLines = killedOutput.last == UInt8(ascii: "\n") ? killed.lines : Array(killed.lines.dropLast())
        let resumeAt = killedLines.count + 1
        let resumed = try SubscribeCommandTests.Subscriber(["--dir", dir.path, "--from", "\(resumeAt)"])
        let second = try Writer(store)
        second.send(1500..<2500)
        #expect(second.finish() == 0)
        let final = try CLIProcess.run(["read", "--dir", dir.path])
        #expect(final.status == 0)
        let positions = final.stdoutLines.compactMap { line -> UInt64? in
            guard let range = line.range(of: #""position":"#) else { return nil }
            return UInt64(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(positions == Array(1...UInt64(positions.count)), "the final store is gapless")
        #expect(Set(acknowledgedBefore).isSubset(of: Set(positions)), "every acknowledged event survived the kill")
        let resumedLines = resumed.waitForLines(final.stdoutLines.count - killedLines.count, seconds: 60)
        #expect(killedLines + resumedLines == final.stdoutLines ? true : false, "a reader killed at line \(killedLines.count) and one resumed after it saw the final store once")
        #expect(resumed.stop(with: SIGTERM) == (0, true))
        for subscriber in [subscribers[0]] {
            let lines = subscriber.waitForLines(final.stdoutLines.count, seconds: 60)
            let errors = String(decoding: subscriber.errors.withLock { $0 }, as: UTF8.self)
            // Compared without printing thousands of lines on failure.
            #expect(lines.count == final.stdoutLines.count, "\(lines.count) of \(final.stdoutLines.count) lines; stderr: \(errors)")
            #expect(lines == final.stdoutLines ? true : false, "a subscriber saw exactly the final store, once, in order")
            #expect(subscriber.stop(with: SIGTERM) == (0, true), "stderr: \(errors)")
        }
        let verify = try CLIProcess.run(["verify", "--dir", dir.path])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    /// Proves `annals seal` refuses to run beside a writer with a message saying why, and that
    /// reading commands never create a store.
    @Test func writingCommandsSayWhyTheyCannotRun() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let writer = try Writer(["--dir", dir.path])
        writer.send(0..<10)
        #expect(Deadline.wait(seconds: 60) { writer.acknowledged.count == 10 })
        let seal = try CLIProcess.run(["seal", "--dir", dir.path])
        #expect(seal.status != 0 && seal.stderr.contains("while another process writes"), "\(seal.stderr)")
        #expect(writer.finish() == 0)
        let missing = try CLIProcess.run(["read", "--dir", dir.file("absent")])
        #expect(missing.status != 0 && !FileManager.default.fileExists(atPath: dir.file("absent")))
    }
}
