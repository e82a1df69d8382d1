extension SealedSegment {
    /// The full check of a sealed file, for `Log.verify` and for recovery when a raw copy
    /// exists too: header, trailer, footer and block index (as `open` checks them), then every
    /// block's CRC, its decompression, every record's CRC, position continuity across blocks,
    /// and the time range against the footer. Returns every problem found, empty when sound.
    static func verify(fileSystem: any StorageFileSystem, path: String, fileName: String) -> [LogError] {
        let segment: SealedSegment
        do throws(LogError) {
            segment = try open(fileSystem: fileSystem, path: path, fileName: fileName, cache: nil)
        } catch {
            return [error]
        }
        defer { segment.close() }
        return segment.verify()
    }

    /// The full check of this open segment (see `verify(fileSystem:path:fileName:)`). Blocks are
    /// read without the cache, so the check always sees the bytes on disk.
    func verify() -> [LogError] {
        var problems: [LogError] = []
        do throws(LogError) {
            try checkHeader()
        } catch {
            problems.append(error)
        }
        var timestamp = footer.firstTimestamp
        var lastTimestamp: Int64?
        for index in blocks.indices {
            do throws(LogError) {
                let block = try readBlock(index)
                // `DecodedBlock` has checked CRCs and positions; time must never run backwards.
                for position in block.entry.firstPosition.rawValue..<block.entry.endPosition.rawValue {
                    let view = block.record(at: LogPosition(position))
                    if lastTimestamp == nil && view.timestamp != footer.firstTimestamp {
                        problems.append(.corruption("first record's time \(view.timestamp) differs from the footer's \(footer.firstTimestamp)", file: fileName, offset: block.entry.fileOffset))
                    }
                    if view.timestamp < timestamp {
                        problems.append(.corruption("record \(position) goes back in time", file: fileName, offset: block.entry.fileOffset))
                    }
                    timestamp = view.timestamp
                    lastTimestamp = view.timestamp
                }
            } catch {
                problems.append(error)
                lastTimestamp = lastTimestamp ?? footer.firstTimestamp
            }
        }
        if let lastTimestamp, problems.isEmpty, lastTimestamp != footer.lastTimestamp {
            problems.append(.corruption("last record's time \(lastTimestamp) differs from the footer's \(footer.lastTimestamp)", file: fileName, offset: fileBytes - UInt64(Format.sealedTrailerBytes + Format.sealedFooterBytes)))
        }
        return problems
    }

    private func checkHeader() throws(LogError) {
        var bytes = [UInt8](repeating: 0, count: Format.sealedHeaderBytes)
        try bytes.withMutableBytes { (out) throws(LogError) in try file.readExactly(at: 0, into: out, file: fileName) }
        let header = try bytes.withBytes { (raw) throws(LogError) in try SealedHeader.decode(raw, file: fileName) }
        guard header.basePosition == base else {
            throw .corruption("header says base \(header.basePosition), the footer says \(base)", file: fileName, offset: UInt64(SealedHeader.Layout.basePosition))
        }
    }
}
