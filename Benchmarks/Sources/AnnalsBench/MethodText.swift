/// The fixed part of docs/BENCHMARKS.md: how each figure is obtained.
enum MethodText {
    static let body = """
        ## How each figure is measured

        - **Commands.** `Benchmarks/run --size small` (100k events, about 10 minutes) or `--size full` (1M events)
          from a clone of the repository; it needs Swift, and PostgreSQL's Debian packages for that column.
          For development, `--only SECTION` (repeatable: `limits`, `core`, `sealed`, `streams`, `store`, `sqlite`,
          `postgres`, `aggregates`, `micro`) and `--events N` run a part or a smaller workload; either writes
          `Benchmarks/.build/BENCHMARKS-partial.md`, never this file.
        - **Workload.** `WorkloadGen --events N --seed 1` (`Benchmarks/Sources/WorkloadGen`): orders going through a
          lifecycle (created, 1–6 items added, 20% an item removed, 10% cancelled, else paid, shipped and 90%
          delivered), one stream per order, a window of 500 open orders drawn at random so streams interleave,
          `events / 6` orders, a clock advancing 1–900 ms an event; xoshiro256** seeded through SplitMix64. It is a
          port of the team's first generator (Python), the same distribution but not the same bytes. At 100k
          events: 309.0 bytes a line (p50 302, p99 374), 13,731 streams, 7.28 events a stream; ItemAdded 47.4%,
          OrderCreated 13.7%, OrderPaid 12.1%, OrderShipped 12.0%, OrderDelivered 10.8%, ItemRemoved 2.6%,
          OrderCancelled 1.4% (the Python generator: 309.0 bytes, 13,752 streams, 7.27 a stream, the same mix
          within 0.1 point; at 1M events both give 310.9 bytes a line and 7.40–7.41 events a stream). Each JSON
          line becomes one event: `stream`, `type` as the event type, the `data` object's compact JSON as the
          payload (`data` column), the `metadata` object's compact JSON as metadata, and a per-stream counter as
          the stream version. Every peer gets exactly the same bytes. MB/s of input counts whole JSON lines.
        - **Through `EventStore`.** Each row of the first table goes through the public API (`import Annals`),
          every `EventData` built (ids included) before the clock starts. Durable ingest: the workload through
          `append(_ streams:)`, 1,000 single-event `StreamAppend`s a call, `.always`; SQLite: one transaction per
          1,000 rows. 64 concurrent appenders: 64 tasks each appending its share one event per
          `append(to:_:)` under `.always` until the share or the time limit runs out; SQLite: 64 tasks each
          inserting one row per `DatabaseQueue.write`. Single-event appends: one task, `append(to:_:)` of one
          event at a time, `.always` against the fdatasync rate measured in the same run (the faster of a 4 KiB
          write that extends the file and one over synced space; and SQLite at batch 1, FULL), and `.none`
          (against SQLite at batch 1, OFF). Reads, the 10-event
          read and delivery: see Stream layer below. Open after a crash: a store's files are copied while it is
          open (what kill -9 leaves) and `EventStore.open` is timed on the copy, median of three: once with a
          64 MiB active segment filled to within a batch of rolling, once per segment size with the workload in
          small segments sealed by `EventStore.sealFullSegments()` plus 1,000 unsynced events. Scale: ten times the
          workload's events (full: 10M) in streams of ten events (full: 1M streams), appended under `.none` in
          1,000-event batches touching 1,000 streams each, new streams opening steadily; the per-event cost of
          the 4th part (full: 500k events a part; otherwise a quarter of the store) against the 1st; then
          `EventStore.open` after a clean close (median of three); then resident memory: a child process opens
          the store, reads 100k random streams (fewer when the store has fewer) and reports its RSS from
          `/proc/self/statm` (and its RSS before opening, and its peak). Sealing and footprint: the workload
          into 8 MiB segments under `.none`, then `EventStore.sealFullSegments()` timed (events sealed per
          second, against durable `EventStore` ingest); after `close`, the footprint is
          every file of the store except the active segment's own (sealed segments, every index, stream heads)
          against the JSON lines of the sealed events. The SQLite peer of the footprint is its whole database.
        - **SQLite settings.** GRDB 7 `DatabaseQueue`, `journal_mode=WAL` set in `prepareDatabase`, then
          `synchronous` set after GRDB's setup and read back with `PRAGMA synchronous` before any timing (the run
          stops if it is not FULL, or OFF for the non-durable rows); cached prepared statements. The table has no
          event-id column, so SQLite does no idempotency check where `EventStore` does.
        - **The core alone.** The second table measures `AnnalsLog.Log` directly: the limit the store should
          approach.
        - **Ingest (core).** A new store or database per row. Batches are prepared before the clock starts. Annals: one
          `Log.append` per batch, `.always` (fdatasync before acknowledging) or `.none`. SQLite through GRDB: WAL,
          one transaction per batch, a cached prepared INSERT. PostgreSQL through libpq: BEGIN, one prepared INSERT
          per event, COMMIT, sent as one pipeline per batch. Durable batch 1 runs for a fixed time, not the whole
          workload (the note says how long). Disk MB/s divides the store's bytes by the ingest time.
        - **64 concurrent appenders (core).** 64 threads each call `Log.append` with one entry under `.always`; group
          commit coalesces them into shared writes and syncs.
        - **Full warm scan.** Annals: `forEachRecord` over the whole log (zero-copy views; each record's CRC is
          checked), reading each payload's size and first byte. SQLite: `SELECT ... ORDER BY id` through a GRDB
          cursor, reading the data blob without a copy. PostgreSQL: a server-side cursor fetched 10,000 rows at a
          time. Best of several passes; the data was just written, so it is in the page cache.
        - **Random whole-stream reads.** The same seeded sample of streams on every peer, read whole. Annals
          reads through the stream layer, `EventStore.read(stream:)` (its `.sidx` stream index per full segment,
          in memory for the active one), on a store of 8 MiB segments holding the workload, appended under
          `.none` through `EventStore.append`. SQLite and PostgreSQL use `WHERE stream = ? ORDER BY version` on
          the `UNIQUE(stream, version)` index. Hot: best of several passes after a warm-up pass. Cold: a second
          seeded sample read once right after a fresh `EventStore.open` (Annals) or a new connection (SQLite), in
          the same process: in-process caches empty, the OS page cache warm (it is not dropped: no root).
        - **Stream layer.** A hot 10-event stream read: per-call latency of `read(stream:)` over 1,000 streams of
          exactly ten events (p50, p99), through the async API; the cold figure is the first read of each after a
          fresh open. A category read is `read(category: "order")`, a scan of the log (every workload stream is an
          `order-*` stream). Append-to-delivery: single-event appends under `.none`, one at a time; the clock
          starts before `append` and stops when a task iterating a live subscription (`subscribe(from: .end)`)
          receives the event. Index files are the `.sidx`, `.eidx` and `.tidx` of the full segments, per million
          of the events they cover. The synchronous 10-event read is the same loop through `store.reader.read(stream:)`.
        - **Sealing.** A store of 8 MiB segments gets the workload under `.none`, then `Log.sealFullSegments()`
          is timed (raw segment bytes per second; each seal writes, syncs, verifies and renames its file). The
          footprint compares the sealed files with the raw files they replaced, and with the JSONL lines of the
          same events; against SQLite, the sealed files with their position indexes per input byte. A warm scan
          reads every sealed record with `forEachRecord` after one untimed pass. A cold point read is
          `record(at:)` on a freshly opened log (empty block cache). Open time: the workload appended again and
          again and sealed until the store holds 10, 100 and 300 (full: 500) sealed segments, then `Log.open`
          after a clean close, median of five.
        - **Open after a crash (core).** The workload is appended under `.none`; while the log is still open its files are
          copied (what kill -9 leaves: the unsynced tail included, no clean-shutdown marker) and `Log.open` is
          timed on the copy. Median of three copies.
        - **Footprint.** Annals: the bytes of every file in the store directory (raw segments and their position
          indexes). SQLite: the database file after `PRAGMA wal_checkpoint(TRUNCATE)`. PostgreSQL:
          `pg_total_relation_size('events')`. The sealed footprint is described under Sealing.
        - **Machine limits.** fdatasync after a 4 KiB pwrite that extends the file, and after one over space already
          written and synced (p50/p99); sequential 1 MiB pwrites each followed by fdatasync; memcpy of 64 MiB;
          `CRC32C.checksum` over the workload's JSON bytes; raw LZ4 (liblz4, default level) over the JSON lines in
          64 KiB and 256 KiB blocks.

        - **Noise.** The machine has 2 cores and one virtual disk shared with other engineers' builds and tests, so
          sync latency in particular moves between runs (p50 from about 0.2 ms to several ms has been seen). The
          limits are measured in the same run for that reason: read each Annals figure against the limits beside it.

        ## Micro-benchmarks (ordo-one/benchmark)

        `Benchmarks/Benchmarks/AnnalsMicro` holds micro-benchmarks of the core (a 300-byte record appended under
        `.none` and read back through `forEachRecord`, CRC32C of 4 KiB, random `record(at:)` on a warm store), with
        baselines committed under `Benchmarks/.benchmarkBaselines/`. From `Benchmarks/`:

        ```
        swift package --allow-writing-to-package-directory benchmark baseline update main   # refresh the baseline
        swift package benchmark baseline check main                                           # fail on a regression
        swift package benchmark baseline compare main                                         # show the differences
        ```

        ARC metrics are off (they crash with this toolchain); the benchmarks report wall clock, throughput and
        malloc counts.

        """
}
