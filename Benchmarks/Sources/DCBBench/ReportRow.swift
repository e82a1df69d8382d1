import Foundation

/// One line of the report's table: Annals beside its peer, the ratio and the target.
struct ReportRow {
    var measurement: String
    var annals: String
    var peer: String
    var peerFigure: String
    /// How many times better Annals did than the peer (time ÷ time or rate ÷ rate).
    var ratio: Double?
    var target: String
    /// Whether the target was met; nil when the row has no target.
    var met: Bool?

    var markdown: String {
        let ratioText = ratio.map { Format.ratio($0) } ?? "—"
        let verdict = met.map { $0 ? "met" : "**not met**" } ?? ""
        return "| \(measurement) | \(annals) | \(peer) | \(peerFigure) | \(ratioText) | \(target)\(verdict.isEmpty ? "" : " (\(verdict))") |"
    }

    static let header = """
        | Measurement | Annals | Peer | Peer's figure | Annals ÷ peer | Target |
        |---|---|---|---|---|---|
        """
}

enum Format {
    /// A duration in µs below a millisecond, else in ms, with three significant digits or more.
    static func duration(_ seconds: Double) -> String {
        let ms = seconds * 1000
        if ms < 1 { return String(format: "%.0f µs", ms * 1000) }
        return ms < 10 ? String(format: "%.2f ms", ms) : ms < 100 ? String(format: "%.1f ms", ms) : String(format: "%.0f ms", ms)
    }

    static func events(_ count: Int) -> String { count == 1 ? "1 event" : "\(count.formatted()) events" }

    static func rate(_ eventsPerSecond: Double) -> String { "\(Int(eventsPerSecond.rounded()).formatted()) events/s" }

    /// Enough digits that a ratio just under a target never prints as the target.
    static func ratio(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f×", value) : value < 1000 ? String(format: "%.1f×", value) : String(format: "%.0f×", value)
    }
}

extension Format {
    static func seconds(_ value: Double) -> String { value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value) }
}
