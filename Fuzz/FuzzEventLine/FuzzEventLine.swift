import AnnalsJSON
import FuzzSupport

/// libFuzzer entry: one `annals append` input line (the CLI's JSON input), through the same
/// `EventLine.scan` and `JSONValidator` the CLI runs. Any bytes give a typed `JSONError` or
/// fields whose ranges lie inside the line, whose string values decode, and whose values are
/// themselves valid JSON; a line `scan` accepts is one `JSONValidator` accepts too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventLine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let line = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let fields: EventLine
    do {
        fields = try EventLine.scan(line)
    } catch {
        FuzzStore.require(error.offset >= 0 && error.offset <= size, "error offset \(error.offset) outside the line")
        return 0
    }
    FuzzStore.require(JSONValidator.isValidValue(line), "scan accepted a line the validator refuses")
    if let tags = fields.tags {
        // The "tags" value as the CLI reads it: an array of strings, or a typed error inside the line.
        do {
            for string in try JSONStringArray.scan(line, at: tags.value, field: "tags") {
                FuzzStore.require(string.contents.upperBound < tags.value.upperBound, "a tag runs past the array")
                _ = string.decoded(in: line)
            }
        } catch {
            FuzzStore.require(error.offset >= tags.value.lowerBound && error.offset <= tags.value.upperBound, "a tags error outside its value")
        }
    }
    for member in [fields.stream, fields.type, fields.data, fields.metadata, fields.id, fields.tags].compactMap({ $0 }) {
        FuzzStore.require(member.value.lowerBound >= 0 && member.value.upperBound <= size, "a field lies outside the line")
        let value = UnsafeBufferPointer(rebasing: line[member.value])
        FuzzStore.require(JSONValidator.isValidValue(value), "a field's value is not valid JSON on its own")
        if let string = member.string {
            FuzzStore.require(string.contents.upperBound < member.value.upperBound, "a string's contents run past its value")
            _ = string.decoded(in: line)
        }
    }
    return 0
}
