/// Sets each Annals figure against the machine limit that bounds it, each issue-10 target
/// against what `EventStore` measured (`Assessment+Store.swift`), and each DESIGN.md / issue 7
/// target of the core against what `Log` measured.
struct Assessment {
    let workload: Workload
    let results: Results

    func evaluate() {
        addFractions()
        addStoreTargets()
        addTargets()
    }

    func annals(_ operation: String) -> Figure? { results.row(operation)?.annals }

    private func addFractions() {
        let r = results
        if let b1 = annals("Ingest batch 1, durable (events/s)") {
            for kind in ["extending", "overwrite"] {
                if let rate = r.limit("syncs/s at p50, 4 KiB \(kind)") {
                    r.fractions.append(LimitFraction(figure: "Durable ingest, batch 1", value: b1,
                                                     limit: "fdatasync rate, 4 KiB \(kind) (1 / p50)", limitValue: rate))
                }
            }
        }
        if let disk = r.annals("Ingest batch 1000, durable: disk MB/s"), let sequential = r.limit("sequential write, fdatasync every 1 MiB") {
            r.fractions.append(LimitFraction(figure: "Durable ingest, batch 1000 (store bytes)", value: disk,
                                             limit: "sequential write, fdatasync every 1 MiB", limitValue: sequential))
        }
        if let memcpy = r.limit("memcpy, 64 MiB") {
            let memcpyMBs = Figure(value: memcpy.value * 1000, unit: "MB/s")
            if let disk = r.annals("Ingest batch 1000, not durable: disk MB/s") {
                r.fractions.append(LimitFraction(figure: "Non-durable ingest, batch 1000 (store bytes)", value: disk,
                                                 limit: "memcpy", limitValue: memcpyMBs))
            }
            if let scan = r.annals("Full warm scan: segment MB/s") {
                r.fractions.append(LimitFraction(figure: "Full warm scan (segment bytes)", value: scan, limit: "memcpy", limitValue: memcpyMBs))
                if let crc = r.limit("CRC32C, one sweep") {
                    r.fractions.append(LimitFraction(figure: "Full warm scan (segment bytes)", value: scan,
                                                     limit: "CRC32C, one sweep (a scan checks every record)",
                                                     limitValue: Figure(value: crc.value * 1000, unit: "MB/s")))
                }
            }
        }
    }

    func check(_ target: String, _ figure: Figure?, layer: Layer = .core, rows: [String] = [],
               _ measured: (Figure) -> String, _ met: (Figure) -> Bool) {
        guard let figure else {
            results.targets.append(TargetCheck(layer: layer, target: target, measured: "not measured in this run", status: .notMeasured, rows: rows))
            return
        }
        results.targets.append(TargetCheck(layer: layer, target: target, measured: measured(figure), status: met(figure) ? .met : .short, rows: rows))
    }

    func checkRatio(_ target: String, _ operation: String, peer: Peer, atLeast: Double, layer: Layer = .core) {
        let row = results.row(operation)
        let ratio = peer == .sqlite ? row?.advantage(over: row?.sqlite) : row?.advantage(over: row?.postgres)
        check(target, ratio.map { Figure(value: $0, unit: "×") }, layer: layer, rows: [operation], { Format.ratio($0.value) }, { $0.value >= atLeast })
    }

    private func addTargets() {
        let r = results
        checkRatio("Durable ingest at batch 1000 ≥ 5× SQLite FULL", "Ingest batch 1000, durable (events/s)", peer: .sqlite, atLeast: 5)
        checkRatio("Durable ingest at batch 1000 ≥ 20× PostgreSQL", "Ingest batch 1000, durable (events/s)", peer: .postgres, atLeast: 20)
        checkRatio("Durable ingest at batch 1 ≥ 20× PostgreSQL", "Ingest batch 1, durable (events/s)", peer: .postgres, atLeast: 20)
        let b1 = r.fractions.first { $0.figure == "Durable ingest, batch 1" && $0.limit.contains("extending") }
        check("Durable batch 1 ≥ 90% of the fdatasync rate (extending)", b1.map { Figure(value: $0.fraction, unit: "") },
              { Format.percent($0.value) }, { $0.value >= 0.9 })
        check("Durable ingest at batch 1000 ≥ 250 MB/s", r.annals("Ingest batch 1000, durable: input MB/s"),
              { "\(Format.number($0.value)) MB/s of input JSON" }, { $0.value >= 250 })
        check("64 concurrent appenders ≥ 100k events/s", r.annals("64 concurrent single-event appenders, durable"),
              { "\(Format.number($0.value)) events/s" }, { $0.value >= 100_000 })
        check("Non-durable ingest ≥ 3M events/s (batch 1000)", annals("Ingest batch 1000, not durable (events/s)"),
              { "\(Format.number($0.value)) events/s" }, { $0.value >= 3_000_000 })
        check("Full warm scan ≥ 5M events/s", annals("Full warm scan (events/s)"),
              { "\(Format.number($0.value)) events/s" }, { $0.value >= 5_000_000 })
        let opens = r.annalsOnly.filter { $0.0.hasPrefix("Open after crash") }.map { $0.1 }
        check("Open after a crash ≤ 0.5 s", opens.max { $0.value < $1.value },
              { "\(Format.number($0.value)) ms (slowest case)" }, { $0.value <= 500 })
        addSealedTargets()
    }

    private func addSealedTargets() {
        let r = results
        let sealing = r.annals("Sealing: raw segment MB/s"), ingest = r.annals("Ingest batch 1000, durable: disk MB/s")
        check("Sealing at least as fast as durable ingest (batch 1000)", sealing.flatMap { s in ingest.map { Figure(value: s.value / $0.value, unit: "×") } },
              { "\(Format.ratio($0.value)): sealing \(Format.number(sealing!.value)) MB/s of raw segment against durable ingest \(Format.number(ingest!.value)) MB/s of store bytes" },
              { $0.value >= 1 })
        check("Sealed segments ≥ 2.3× smaller than raw", r.annals("Sealed ÷ raw segment bytes"), { Format.ratio($0.value) }, { $0.value >= 2.3 })
        check("Sealed segments ≤ 45% of the input JSONL", r.annals("Sealed segment bytes ÷ input JSONL of the same events"),
              { Format.percent($0.value) }, { $0.value <= 0.45 })
        let footprint = r.row("Footprint, sealed: bytes ÷ input JSONL")
        if let sqlite = r.row("Footprint: store bytes ÷ input JSONL")?.sqlite {
            r.compare("Footprint, sealed: bytes ÷ input JSONL", peer: .sqlite, sqlite, higherIsBetter: false)
        }
        let share = footprint?.annals.flatMap { a in r.row("Footprint: store bytes ÷ input JSONL")?.sqlite.map { Figure(value: a.value / $0.value, unit: "") } }
        check("Sealed footprint ≤ ½ of SQLite's", share, { "\(Format.percent($0.value)) of SQLite's (sealed segments with their indexes, per input byte)" }, { $0.value <= 0.5 })
        check("Warm full scan over sealed segments ≥ 3M events/s", annals("Full warm scan, sealed (events/s)"),
              { "\(Format.number($0.value)) events/s" }, { $0.value >= 3_000_000 })
        let cold = r.annals("Cold point read in a sealed segment, p50")
        r.targets.append(TargetCheck(
            target: "A cold random read in a sealed segment decompresses ≤ 1 block",
            measured: (cold.map { "p50 \(Format.number($0.value)) µs here; " } ?? "") + "no public counter, so blocks are not counted in this run: `SealedSegmentTests.pointReadDecompressesOneBlock` asserts exactly one per cold read",
            status: .byTest))
        let opens = r.annalsOnly.filter { $0.0.hasPrefix("Open with ") && $0.0.hasSuffix("sealed segments") }
        if let last = opens.last {
            check("Open time does not depend on store size (sealed footers trusted)", last.1,
                  { _ in opens.map { "\(Format.number($0.1.value)) ms (\($0.0.dropFirst(10)))" }.joined(separator: ", ") + "; met when the largest opens in ≤ 0.5 s" },
                  { $0.value <= 500 })
        }
    }
}
