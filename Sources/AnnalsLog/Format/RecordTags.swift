/// The tags section of a record (FORMAT.md §3 "Tags"): each tag as one length byte (1...255)
/// followed by that many bytes of UTF-8, back to back, at most `Format.tagsPerRecordMax` of
/// them, none twice. An empty section (length 0 in the header) means no tags.
public enum RecordTags {
    /// Checks tags before they are written: the limits above, as a typed error naming the tag.
    static func validate(_ tags: [String]) throws(LogError) {
        guard !tags.isEmpty else { return }
        guard tags.count <= Format.tagsPerRecordMax else {
            throw .invalid("a record may carry at most \(Format.tagsPerRecordMax) tags, got \(tags.count)")
        }
        for (index, tag) in tags.enumerated() {
            let bytes = tag.utf8.count
            guard bytes > 0, bytes <= Format.tagBytesMax else {
                throw .invalid("tag \(index) must be 1...\(Format.tagBytesMax) UTF-8 bytes, got \(bytes)")
            }
            guard !tags[..<index].contains(tag) else {
                throw .invalid("tag \"\(tag.prefix(40))\" appears twice in one record")
            }
        }
    }

    /// True when `section` parses into 1...32 non-empty tags that end exactly at its end.
    /// Checked by the decoder (after the CRC), so a reader never meets a section that does not.
    static func isWellFormed(_ section: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        var count = 0
        while offset < section.count {
            let length = Int(section[offset])
            guard length > 0, offset + 1 + length <= section.count else { return false }
            offset += 1 + length
            count += 1
        }
        return count > 0 && count <= Format.tagsPerRecordMax
    }

    /// Calls `body` with each tag's bytes, in order. `section` must be well-formed.
    @inline(__always)
    public static func forEach(_ section: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var offset = 0
        while offset < section.count {
            let length = Int(section[offset])
            precondition(length > 0 && offset + 1 + length <= section.count, "the decoder checked the tags section")
            body(UnsafeRawBufferPointer(rebasing: section[(offset + 1)..<(offset + 1 + length)]))
            offset += 1 + length
        }
    }

    /// The tags of a well-formed section, copied out.
    package static func decode(_ section: UnsafeRawBufferPointer) -> [String] {
        var tags: [String] = []
        forEach(section) { tags.append(String(decoding: $0, as: UTF8.self)) }
        return tags
    }

    /// True when the well-formed `section` holds `tag`, compared byte for byte.
    package static func contains(_ tag: String, in section: UnsafeRawBufferPointer) -> Bool {
        var found = false
        forEach(section) { bytes in
            if !found && bytes.elementsEqual(tag.utf8) { found = true }
        }
        return found
    }
}
