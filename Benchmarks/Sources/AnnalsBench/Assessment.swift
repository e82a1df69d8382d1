/// Sets each Annals figure against the machine limit that bounds it, and each target from
/// DESIGN.md / issue 7 against what this run measured.
struct Assessment {
    let workload: Workload
    let results: Results

    func evaluate() {
        addFractions()
        addTargets()
    }

    private func annals(_ operation: String) -> Figure? { results.row(operation)?.annals }

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

    private func check(_ target: String, _ figure: Figure?, _ measured: (Figure) -> String, _ met: (Figure) -> Bool) {
        guard let figure else {
            results.targets.append(TargetCheck(target: target, measured: "not measured in this run", status: .notMeasured))
            return
        }
        results.targets.append(TargetCheck(target: target, measured: measured(figure), status: met(figure) ? .met : .short))
    }

    private func checkRatio(_ target: String, _ operation: String, peer: Peer, atLeast: Double) {
        let row = results.row(operation)
        let ratio = peer == .sqlite ? row?.advantage(over: row?.sqlite) : row?.advantage(over: row?.postgres)
        check(target, ratio.map { Figure(value: $0, unit: "×") }, { Format.ratio($0.value) }, { $0.value >= atLeast })
    }

    private func addTargets() {
        let r = results
        checkRatio("Durable ingest at batch 1000 ≥ 5× SQLite FULL", "Ingest batch 1000, durable (events/s)", peer: .sqlite, atLeast: 5)
        checkRatio("Random whole-stream reads ≥ 3× SQLite", "Random whole-stream reads, hot (streams/s)", peer: .sqlite, atLeast: 3)
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
        let streams = annals("Random whole-stream reads, hot (streams/s)")
        check("A random stream, hot, read in < 10 µs", streams.map { Figure(value: 1e6 / $0.value, unit: "µs") },
              { "\(Format.number($0.value)) µs a stream (\(Format.fixed(Double(workload.events.count) / Double(workload.streams.count), 1)) events)" },
              { $0.value < 10 })
        let opens = r.annalsOnly.filter { $0.0.hasPrefix("Open after crash") }.map { $0.1 }
        check("Open after a crash ≤ 0.5 s", opens.max { $0.value < $1.value },
              { "\(Format.number($0.value)) ms (slowest case)" }, { $0.value <= 500 })
        for target in ["Sealed footprint ≤ ½ of SQLite's", "Sealed segments ≥ 2.3× smaller than raw, ≤ 45% of the input JSONL"] {
            r.targets.append(TargetCheck(target: target, measured: "not measured yet: sealing not on main", status: .notMeasured))
        }
    }
}
