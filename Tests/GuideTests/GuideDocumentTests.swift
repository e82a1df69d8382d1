import Foundation
import Testing

@Suite(.timeLimit(.minutes(10))) struct GuideDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The ```swift blocks of a Markdown text, in order.
    static func swiftBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// Lines without their indentation (a block in the guide sits at the left margin, in the
    /// test inside a function), blank lines dropped.
    static func normalized(_ text: String) -> String {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// Proves every ```swift block of docs/GUIDE.md appears verbatim (up to indentation) in GuideExamplesTests.swift, so the compiled examples and the guide cannot drift.
    @Test func everyGuideBlockIsCompiledAndRun() throws {
        let guide = try String(contentsOf: Self.root.appendingPathComponent("docs/GUIDE.md"), encoding: .utf8)
        let source = try String(contentsOf: Self.root.appendingPathComponent("Tests/GuideTests/GuideExamplesTests.swift"), encoding: .utf8)
        let blocks = Self.swiftBlocks(guide)
        #expect(blocks.count >= 7, "the guide shows open, append, load, save, subscribe, project and snapshot")
        let compiled = Self.normalized(source)
        for (index, block) in blocks.enumerated() {
            #expect(compiled.contains(Self.normalized(block)), "guide block \(index + 1) is not in GuideExamplesTests.swift:\n\(block)")
        }
    }

    /// Proves the block extraction finds blocks and ignores other languages, so the check above cannot pass vacuously.
    @Test func extractionFindsOnlySwiftBlocks() {
        let text = "a\n```swift\nlet x = 1\n```\n```sh\nls\n```\n```swift\n  f()\n```\n"
        #expect(Self.swiftBlocks(text) == ["let x = 1", "  f()"])
        #expect(Self.normalized("  a\n\n    b") == "a\nb")
    }
}
