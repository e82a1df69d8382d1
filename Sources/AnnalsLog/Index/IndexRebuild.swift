/// Rebuilds a full segment's position index by scanning the segment. A full segment must hold
/// exactly the positions `base..<next`, all valid: anything else is corruption.
enum IndexRebuild {
    static func entries(of file: any StorageFile, fileName: String, base: LogPosition, through next: LogPosition) throws(LogError) -> [PositionIndexEntry] {
        var builder = PositionIndexFile.Builder()
        var expected = base
        let scanner = SegmentScanner(file: file, fileName: fileName)
        let outcome = try scanner.scan(from: UInt64(Format.segmentHeaderBytes)) { (view, offset) throws(LogError) in
            guard view.position == expected else {
                throw .corruption("expected position \(expected), found \(view.position)", file: fileName, offset: offset)
            }
            builder.note(relativePosition: UInt32(view.position.rawValue - base.rawValue), offset: offset)
            expected = expected.advanced(by: 1)
        }
        guard expected == next else {
            throw .corruption(
                "full segment ends at position \(expected.rawValue - 1) (\(outcome.stop)), expected \(next.rawValue - 1)",
                file: fileName, offset: outcome.stopOffset)
        }
        return builder.entries
    }
}
