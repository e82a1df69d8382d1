#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered standard streams: every line reaches its reader at once, which crash tests rely
/// on (an acknowledgement printed is an acknowledgement a parent can see before a kill).
enum StandardIO {
    static func write(_ bytes: [UInt8], to descriptor: Int32 = 1) {
        var done = 0
        while done < bytes.count {
            let count = bytes[done...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return  // the reader went away; nothing useful left to do with the output
            }
            done += count
        }
    }

    static func print(_ text: String) { write(Array((text + "\n").utf8)) }

    static func printError(_ text: String) { write(Array((text + "\n").utf8), to: 2) }

    /// Reads whatever standard input has ready (blocking until at least one byte or EOF).
    /// Returns an empty array at end of input.
    static func readAvailable(maxBytes: Int = 1 << 20) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maxBytes)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if count >= 0 { return Array(buffer[0..<count]) }
            if errno != EINTR { throw CLIError("cannot read standard input: \(String(cString: strerror(errno)))") }
        }
    }
}

/// A failure the CLI reports on standard error before exiting non-zero.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
