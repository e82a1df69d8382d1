/// One figure from one peer, as measured in this run.
struct Figure {
    var value: Double
    var unit: String
    /// How it was obtained, when that is not obvious (event count, time limit...).
    var note: String = ""
}

/// Which Annals API a row measures.
enum Layer {
    /// `EventStore` (`import Annals`): what a service sees. The issue-10 targets apply here.
    case store
    /// The storage core alone (`AnnalsLog.Log`): the limit the store should approach.
    case core
}

/// One operation measured on several peers on the same data.
struct ComparisonRow {
    var operation: String
    var layer: Layer = .core
    var annals: Figure?
    var sqlite: Figure?
    var postgres: Figure?
    /// True when a bigger figure is better (throughput); false for sizes and times.
    var higherIsBetter = true

    /// How many times better Annals is than `peer` (above 1: Annals wins).
    func advantage(over peer: Figure?) -> Double? {
        guard let annals, let peer, annals.value > 0, peer.value > 0 else { return nil }
        return higherIsBetter ? annals.value / peer.value : peer.value / annals.value
    }
}

/// An Annals figure set against the machine limit that bounds it.
struct LimitFraction {
    var figure: String
    var value: Figure
    var limit: String
    var limitValue: Figure
    var fraction: Double { value.value / limitValue.value }
}

/// A target and where this run stands.
struct TargetCheck {
    enum Status { case met, short, notMeasured, byTest }
    var layer: Layer = .core
    var target: String
    var measured: String
    var status: Status
    /// The comparison rows the target judges, so their table can show its status.
    var rows: [String] = []
}

/// Everything one run measured, filled in as it goes and rendered at the end.
final class Results {
    var limits: [(String, Figure)] = []
    var comparisons: [ComparisonRow] = []
    var annalsOnly: [(String, Figure)] = []
    var fractions: [LimitFraction] = []
    var targets: [TargetCheck] = []
    var notes: [String] = []

    func limit(_ name: String) -> Figure? { limits.first { $0.0 == name }?.1 }
    func annals(_ name: String) -> Figure? { annalsOnly.first { $0.0 == name }?.1 }
    func row(_ operation: String) -> ComparisonRow? { comparisons.first { $0.operation == operation } }

    func addLimit(_ name: String, _ figure: Figure) {
        limits.append((name, figure))
        say("limit", name, figure)
    }

    func addAnnals(_ name: String, _ figure: Figure) {
        annalsOnly.append((name, figure))
        say("annals", name, figure)
    }

    /// Sets one peer's figure on the row named `operation`, creating the row if needed.
    func compare(_ operation: String, peer: Peer, _ figure: Figure?, higherIsBetter: Bool = true, layer: Layer = .core) {
        var row = comparisons.first { $0.operation == operation }
            ?? ComparisonRow(operation: operation, layer: layer, higherIsBetter: higherIsBetter)
        switch peer {
        case .annals: row.annals = figure
        case .sqlite: row.sqlite = figure
        case .postgres: row.postgres = figure
        }
        if let index = comparisons.firstIndex(where: { $0.operation == operation }) {
            comparisons[index] = row
        } else {
            comparisons.append(row)
        }
        if let figure { say(peer.rawValue, operation, figure) }
    }

    private func say(_ who: String, _ what: String, _ figure: Figure) {
        let note = figure.note.isEmpty ? "" : "  (\(figure.note))"
        print("[\(who)] \(what): \(Format.number(figure.value)) \(figure.unit)\(note)")
    }

    /// The peer's figure on a row measured through `EventStore`.
    func compareStore(_ operation: String, peer: Peer, _ figure: Figure?, higherIsBetter: Bool = true) {
        compare(operation, peer: peer, figure, higherIsBetter: higherIsBetter, layer: .store)
    }

    /// The rows of `layer`: the `EventStore` rows in the order of issue 10's table, the core's as measured.
    func rows(_ layer: Layer) -> [ComparisonRow] {
        let rows = comparisons.filter { $0.layer == layer }
        guard layer == .store else { return rows }
        return rows.enumerated().sorted { (StoreRow.rank($0.element.operation), $0.offset) < (StoreRow.rank($1.element.operation), $1.offset) }.map(\.element)
    }

    func targets(_ layer: Layer) -> [TargetCheck] { targets.filter { $0.layer == layer } }
}

enum Peer: String {
    case annals, sqlite, postgres
}

/// Number formatting for the table: three significant figures, thousands separated.
enum Format {
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        let magnitude = abs(value)
        if magnitude >= 1000 { return grouped(Int(value.rounded())) }
        if magnitude >= 100 { return String(Int(value.rounded())) }
        if magnitude >= 10 { return fixed(value, 1) }
        if magnitude >= 1 { return fixed(value, 2) }
        return fixed(value, 3)
    }

    static func ratio(_ value: Double?) -> String {
        guard let value else { return "—" }
        return fixed(value, value >= 10 ? 1 : 2) + "×"
    }

    static func percent(_ value: Double) -> String { fixed(value * 100, 1) + "%" }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
            if digits == 0 { text = String(text[..<dot]) }
        }
        return text
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }
}
