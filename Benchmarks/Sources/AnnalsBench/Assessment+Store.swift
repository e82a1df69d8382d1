import AnnalsLog

/// Issue 10's Targets table, row by row, against what this run measured through `EventStore`.
extension Assessment {
    func addStoreTargets() {
        let r = results
        func store(_ target: String, _ row: String, _ measured: @escaping (Figure) -> String, _ met: @escaping (Figure) -> Bool) {
            check(target, annals(row), layer: .store, rows: [row], measured, met)
        }
        checkRatio("Durable ingest, 1000-event batches ≥ 5× SQLite FULL", StoreRow.durableIngest, peer: .sqlite, atLeast: 5, layer: .store)
        let concurrent = r.row(StoreRow.concurrentAppenders)
        store("64 concurrent single-event durable appenders ≥ 100k events/s (≥ 10× SQLite)", StoreRow.concurrentAppenders,
              { "\(Format.number($0.value)) events/s, \(Format.ratio(concurrent?.advantage(over: concurrent?.sqlite))) SQLite" },
              { $0.value >= 100_000 && (concurrent?.advantage(over: concurrent?.sqlite) ?? 0) >= 10 })
        addSingleDurableTarget()
        store("Single-event appends, .none ≥ 500k events/s", StoreRow.singleNone,
              { "\(Format.number($0.value)) events/s" }, { $0.value >= 500_000 })
        checkRatio("Random whole-stream reads, hot ≥ 3× SQLite", StoreRow.readsHot, peer: .sqlite, atLeast: 3, layer: .store)
        checkRatio("Random whole-stream reads, cold (fresh open) ≥ 2× SQLite", StoreRow.readsCold, peer: .sqlite, atLeast: 2, layer: .store)
        store("A 10-event hot stream read, p50 ≤ 5 µs async", StoreRow.tenEventAsync,
              { "\(Format.number($0.value)) µs through `EventStore.read(stream:)`" }, { $0.value <= 5 })
        store("A 10-event hot stream read, p50 ≤ 2 µs sync", StoreRow.tenEventSync,
              { "\(Format.number($0.value)) µs through `store.reader.read(stream:)`" }, { $0.value <= 2 })
        store("Append-to-delivery to a live subscriber, .none, p50 ≤ 100 µs", StoreRow.delivery,
              { "\(Format.number($0.value)) µs" }, { $0.value <= 100 })
        addOpenTargets()
        let cacheMB = Double(LogOptions.blockCacheBytesDefault) / 1e6
        store("Resident memory of an open store with 10M events in 1M streams, after 100k random stream reads ≤ 64 MB plus the block cache",
              StoreRow.residentMemory, { "\(Format.number($0.value)) MB (\($0.note))" }, { $0.value <= 64 + cacheMB })
        store("Ingest cost per event, from the first 500k events of a store to the 4th, grows by ≤ 5%", StoreRow.ingestGrowth,
              { "\(Format.number($0.value))% (\($0.note))" }, { $0.value <= 5 })
        if let sqlite = r.row("Footprint: store bytes ÷ input JSONL")?.sqlite {
            r.compareStore(StoreRow.footprintSealed, peer: .sqlite, Figure(value: sqlite.value * 100, unit: "%", note: sqlite.note), higherIsBetter: false)
        }
        store("Whole store after sealing, indexes included ≤ 45% of the input JSON lines", StoreRow.footprintSealed,
              { "\(Format.number($0.value))%" }, { $0.value <= 45 })
        let ingest = annals(StoreRow.durableIngest)
        check("Sealing throughput ≥ durable ingest throughput at batch 1000",
              annals(StoreRow.sealing).flatMap { s in ingest.map { Figure(value: s.value / $0.value, unit: "×") } }, layer: .store, rows: [StoreRow.sealing],
              { "\(Format.ratio($0.value)): sealing \(Format.number(annals(StoreRow.sealing)!.value)) events/s (`EventStore.sealFullSegments()`) against durable EventStore ingest \(Format.number(ingest!.value)) events/s" },
              { $0.value >= 1 })
    }

    /// One task's durable single-event appends against the fdatasync rate measured in the same
    /// run: the faster of a 4 KiB write that extends the file and one over synced space (a
    /// store that writes into space made ahead of time can reach the latter). Both also go to
    /// the limits table.
    private func addSingleDurableTarget() {
        let single = annals(StoreRow.singleDurable)
        let rates = ["extending", "overwrite"].compactMap { kind in results.limit("syncs/s at p50, 4 KiB \(kind)").map { (kind, $0) } }
        for (kind, limit) in rates {
            if let single {
                results.fractions.append(LimitFraction(figure: "EventStore single-event durable appends, one task", value: single,
                                                       limit: "fdatasync rate, 4 KiB \(kind) (1 / p50)", limitValue: limit))
            }
        }
        let fastest = rates.max { $0.1.value < $1.1.value }
        check("Single task, single-event durable appends ≥ 90% of the fdatasync rate measured in the same run",
              single.flatMap { s in fastest.map { Figure(value: s.value / $0.1.value, unit: "") } }, layer: .store, rows: [StoreRow.singleDurable],
              { "\(Format.percent($0.value)): \(Format.number(single!.value)) events/s against \(Format.number(fastest!.1.value)) syncs/s "
                  + "(4 KiB \(fastest!.0), 1 / p50, the faster of extending and overwrite)" },
              { $0.value >= 0.9 })
    }

    private func addOpenTargets() {
        let r = results
        check("`EventStore` open after a crash, full 64 MiB active segment ≤ 50 ms", annals(StoreRow.openCrashFull), layer: .store, rows: [StoreRow.openCrashFull],
              { "\(Format.number($0.value)) ms" }, { $0.value <= 50 })
        let sealed = r.rows(.store).filter { $0.operation.hasPrefix(StoreRow.openCrashSealedPrefix) && $0.operation != StoreRow.openCrashFull }
        let slowest = sealed.compactMap(\.annals).max { $0.value < $1.value }
        check("… and independent of the number of sealed segments", slowest, layer: .store, rows: sealed.map(\.operation),
              { _ in sealed.map { "\(Format.number($0.annals?.value ?? .nan)) ms (\($0.operation.dropFirst(StoreRow.openCrashSealedPrefix.count)))" }
                  .joined(separator: ", ") + "; met when every case opens in ≤ 50 ms" },
              { $0.value <= 50 })
        check("`EventStore` open of a store with 1M streams ≤ 50 ms", annals(StoreRow.openManyStreams), layer: .store, rows: [StoreRow.openManyStreams],
              { "\(Format.number($0.value)) ms (\($0.note))" }, { $0.value <= 50 })
    }
}
