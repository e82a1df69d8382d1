#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered standard streams: every line reaches its reader at once, which crash tests rely
/// on (an acknowledgement printed is an acknowledgement a parent can see before a kill).
enum StandardIO {
    /// Writes all of `bytes`; false when the reader has gone away (the rest is dropped).
    @discardableResult
    static func write(_ bytes: [UInt8], to descriptor: Int32 = 1) -> Bool {
        var done = 0
        while done < bytes.count {
            let count = bytes[done...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return false  // the reader went away; nothing useful left to do with the output
            }
            done += count
        }
        return true
    }

    static func print(_ text: String) { write(Array((text + "\n").utf8)) }

    static func printError(_ text: String) { write(Array((text + "\n").utf8), to: 2) }

    /// The bytes left to read when standard input is a regular file; nil for a pipe or terminal.
    static func inputFileBytesLeft() -> UInt64? {
        var status = stat()
        guard fstat(0, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let offset = lseek(0, 0, SEEK_CUR)
        guard offset >= 0, status.st_size >= offset else { return nil }
        return UInt64(status.st_size - offset)
    }
}

/// A failure the CLI reports on standard error before exiting non-zero.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
