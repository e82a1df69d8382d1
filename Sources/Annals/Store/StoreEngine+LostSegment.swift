import AnnalsLog

extension StoreEngine {
    /// Fails the open when the log has lost the segment after its last one, which recovery
    /// alone cannot see after a power loss (no `CLEAN` marker, and a `HEAD` file that is gone or
    /// stale: `LostSegmentCheck`) when that segment's `.pidx` went too.
    ///
    /// The evidence is a valid derived index file (`.sidx`, `.eidx`, `.tidx` or `.qidx`) of the log's
    /// last segment: such a file names the segment's end, and is written only after a roll into
    /// the next segment completed, and a record was committed there. A roll syncs the full
    /// segment, creates the next one and syncs the directory before any record goes into it; the
    /// index files are written (and their directory synced) after that. So no crash, under any
    /// durability policy, can keep the index files and lose the next segment's file: if it is
    /// gone, something deleted it. A crash inside the roll, before the index files exist, leaves
    /// no such evidence, and then a deleted last segment still goes unseen (docs/RELIABILITY.md).
    func checkNoSegmentLostAfter(_ active: LogPosition) throws(LogError) {
        for kind in DerivedIndexKind.allCases {
            let hashKind = kind.isHashed ? hash.kind : 0
            guard let end = DerivedIndexFile.validEnd(fileSystem, directory: directory, kind: kind, base: active, hashKind: hashKind)
            else { continue }
            let missing = SegmentFileName(base: end, kind: .log).description
            throw LogError(
                .corruption,
                "segment \(missing) is missing: \(kind.fileName(base: active)) shows the log rolled into it after position \(end.rawValue - 1), but the log now ends at its last segment \(active)",
                file: missing, offset: 0)
        }
    }
}

extension DerivedIndexFile {
    /// The end a valid index file of the segment at `base` records, or nil when there is no
    /// such file or it fails any check (a torn or damaged file is no evidence of anything).
    static func validEnd(
        _ fileSystem: any StorageFileSystem, directory: String, kind: DerivedIndexKind, base: LogPosition, hashKind: UInt8
    ) -> LogPosition? {
        let path = StoreFiles.path(directory, kind.fileName(base: base))
        guard fileSystem.exists(path), let region = StoreFiles.map(fileSystem, path), region.bytes.count >= headerBytes else { return nil }
        let end = LogPosition(region.bytes.readLE(at: 16, as: UInt64.self))
        guard end > base, MappedDerivedIndex(region: region, kind: kind, base: base, end: end, hashKind: hashKind) != nil else { return nil }
        return end
    }
}
