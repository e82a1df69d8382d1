import Foundation

/// Scratch directories for stores and databases, all under one root on the disk being
/// measured, removed when the run ends.
struct WorkDirectory {
    let root: String
    private var counter = 0

    init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// A new empty directory named after `label`.
    mutating func fresh(_ label: String) throws -> String {
        counter += 1
        let path = root + "/\(counter)-\(label)"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    func removeAll() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Sum of the sizes of the regular files in `directory` (not recursive), in bytes.
    static func bytes(of directory: String, matching suffixes: [String]? = nil) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var total = 0
        for name in names where suffixes.map({ list in list.contains { name.hasSuffix($0) } }) ?? true {
            total += fileBytes(directory + "/" + name)
        }
        return total
    }

    /// The size of one file, or 0 when it does not exist.
    static func fileBytes(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Copies every regular file of `source` into the new directory `destination`, as a crash
    /// would leave them: whatever the page cache holds, with no clean close. A file the open
    /// store renames or removes between the listing and its copy (an index's temporary file) is
    /// skipped, as a crash at that instant would have left it or its successor.
    static func copyFiles(from source: String, to destination: String) throws {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            do {
                try FileManager.default.copyItem(atPath: source + "/" + name, toPath: destination + "/" + name)
            } catch CocoaError.fileReadNoSuchFile, CocoaError.fileNoSuchFile {
                continue
            }
        }
    }
}
