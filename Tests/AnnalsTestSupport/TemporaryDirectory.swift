import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under the system temp dir, removed with everything in it by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "annals") {
        var template = Array("/tmp/\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    /// An existing directory, to remove it with everything in it.
    public init(existing path: String) {
        self.path = path
    }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Removes the directory and everything below it.
    public func remove() {
        Self.removeTree(path)
    }

    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR, let names = try? PosixFileSystem().list(path) {
            for name in names { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
