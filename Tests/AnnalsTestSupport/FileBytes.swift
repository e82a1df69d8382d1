import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

/// Direct byte surgery on store files, for corruption and truncation tests.
public enum FileBytes {
    public static func read(_ path: String) -> [UInt8] {
        let file = try! PosixFileSystem().open(path, writable: false)
        defer { file.close() }
        var bytes = [UInt8](repeating: 0, count: Int(try! file.size()))
        let count = bytes.withUnsafeMutableBytes { try! file.read(at: 0, into: $0) }
        return Array(bytes[0..<count])
    }

    public static func write(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0o644)
        precondition(fd >= 0, "cannot open \(path)")
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    public static func truncate(_ path: String, to size: Int) {
        precondition(Glibc.truncate(path, off_t(size)) == 0, "cannot truncate \(path)")
    }

    public static func flipBit(_ path: String, byte: Int, bit: Int) {
        var bytes = read(path)
        bytes[byte] ^= UInt8(1 << bit)
        write(path, bytes)
    }

    /// The names in a directory with a suffix, sorted.
    public static func names(in directory: String, suffix: String) -> [String] {
        ((try? PosixFileSystem().list(directory)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
    }
}
