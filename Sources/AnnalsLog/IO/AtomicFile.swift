/// The atomic replacement of a small file: write a temp file, sync it, rename it over the
/// target, sync the directory. A crash at any step leaves either the old file or the new one.
enum AtomicFile {
    static func write(_ fileSystem: any StorageFileSystem, directory: String, name: String, bytes: [UInt8]) throws(LogError) {
        let temporary = joinPath(directory, name + SegmentFileName.temporarySuffix)
        if fileSystem.exists(temporary) { try fileSystem.remove(temporary) }
        let file = try fileSystem.create(temporary)
        do throws(LogError) {
            try file.write(at: 0, bytes)
            try file.sync()
        } catch {
            file.close()
            try? fileSystem.remove(temporary)
            throw error
        }
        file.close()
        try fileSystem.rename(temporary, to: joinPath(directory, name))
        try fileSystem.syncDirectory(directory)
    }
}
