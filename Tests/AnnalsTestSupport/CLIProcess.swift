import Foundation

/// Runs the built `annals` executable, which sits next to the test bundle in the build folder.
public enum CLIProcess {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// The `annals` binary built alongside the tests.
    public static var executable: String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the test runner is `<build>/debug/AnnalsPackageTests.xctest` itself.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent("annals").path
    }

    /// Runs `annals arguments...` with `input` on standard input and waits for it to exit.
    public static func run(_ arguments: [String], input: String = "") throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            // The throwing write: a child that exits before reading all its input (a bad line)
            // closes the pipe, and the non-throwing `write(_:)` traps on EPIPE.
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = Guarded(Data())
        let errorReader = Thread { let data = stderr.fileHandleForReading.readDataToEndOfFile(); errorData.withLock { $0 = data } }
        errorReader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        Deadline.wait(seconds: 30) { !errorReader.isExecuting }
        return Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
    }
}
