#!/usr/bin/env bash
# The `annals` CLI as whole processes, side by side with SQLite's own tools in the same run
# (issue 11's table): ingest durable and not, the whole log out as JSON, one stream per process,
# process startup, peak RSS, and the JSON scanner alone. Writes one markdown section with the
# ratios and whether each target is met.
#
#   cli_bench.sh --jsonl events.jsonl --report cli.md [--build] [--annals BIN] [--json-bench BIN] [--runs N]
#
# --build builds `annals` (scripts/build-cli: release, Swift runtime linked statically) and
# JSONScanBench in release mode first. SQLite's side: a small C
# program against the C API (Scripts/sqlite_ingest.c: WAL, synchronous FULL then OFF, batch
# 1000, one prepared INSERT, reading the same events as TSV made here, so it parses no JSON) and the
# `sqlite3` shell for reads. Times are the best of --runs runs (default 3); peak RSS comes from
# /usr/bin/time (%M); per-process reads and startup from hyperfine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
jsonl="" report="" build="" runs=3
annals="$repo/.build/release/annals"
json_bench="$repo/Benchmarks/.build/release/JSONScanBench"
while [ $# -gt 0 ]; do
    case "$1" in
        --jsonl) jsonl="$2"; shift 2 ;;
        --report) report="$2"; shift 2 ;;
        --annals) annals="$2"; shift 2 ;;
        --json-bench) json_bench="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --build) build=yes; shift ;;
        *) echo "usage: cli_bench.sh --jsonl FILE --report FILE [--build] [--annals BIN] [--json-bench BIN] [--runs N]" >&2; exit 2 ;;
    esac
done
[ -f "$jsonl" ] && [ -n "$report" ] || { echo "cli_bench.sh: --jsonl FILE and --report FILE are required" >&2; exit 2; }

if [ -n "$build" ]; then
    echo "== cli: release build of annals and JSONScanBench"
    "$repo/scripts/build-cli" >/dev/null 2>&1  # release, --static-swift-stdlib
    swift build -c release --package-path "$repo/Benchmarks" --product JSONScanBench >/dev/null
fi
[ -x "$annals" ] || { echo "cli_bench.sh: no annals binary at $annals (use --build)" >&2; exit 1; }
for tool in hyperfine /usr/bin/time sqlite3 cc; do
    if ! command -v "$tool" >/dev/null && command -v apt-get >/dev/null; then
        apt-get install -y hyperfine time sqlite3 libsqlite3-dev gcc >/dev/null 2>&1 || true
    fi
    command -v "$tool" >/dev/null || { echo "cli_bench.sh: $tool is missing" >&2; exit 1; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/annals-cli-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
events=$(grep -c . "$jsonl")
jsonl_bytes=$(stat -c %s "$jsonl")
load=$(cut -d' ' -f1-3 /proc/loadavg)
# SQLite's input: stream TAB type TAB data TAB metadata, data and metadata re-serialized compactly
# (json.dumps escapes tabs and newlines, so no field holds either).
python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        event = json.loads(line)
        fields = [event["stream"], event["type"], json.dumps(event["data"], separators=(",", ":")),
                  json.dumps(event.get("metadata") or {}, separators=(",", ":"))]
        sys.stdout.write("\t".join(fields) + "\n")
' < "$jsonl" > "$scratch/events.tsv"
cc -O2 -o "$scratch/sqlite_ingest" "$here/sqlite_ingest.c" -lsqlite3
# One stream from the middle of the input, for the per-process stream read.
stream=$(sed -n "$(( (events + 1) / 2 ))p" "$jsonl" | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["stream"])')

# `best NAME COMMAND...`: runs COMMAND (a shell string; PREP runs before each run, untimed)
# $runs times; sets NAME_s to the best seconds and NAME_kb to the largest peak RSS.
best() {
    local name=$1 command=$2 prep=${3:-true} seconds=999999 kb=0 line
    for _ in $(seq "$runs"); do
        bash -c "$prep"
        /usr/bin/time -f "%e %M" -o "$scratch/time" bash -c "$command" >/dev/null 2>"$scratch/stderr" \
            || { echo "cli_bench.sh: failed: $command" >&2; cat "$scratch/stderr" >&2; exit 1; }
        line=$(tail -1 "$scratch/time")
        seconds=$(awk -v a="$seconds" -v b="${line% *}" 'BEGIN { print (b < a ? b : a) }')
        kb=$(( ${line#* } > kb ? ${line#* } : kb ))
    done
    printf -v "${name}_s" '%s' "$seconds"
    printf -v "${name}_kb" '%s' "$kb"
}

# `mean_ms NAME COMMAND`: hyperfine's mean wall time per process, in ms, into NAME_ms.
mean_ms() {
    hyperfine -N --warmup 3 --runs 30 --export-json "$scratch/h.json" "$2" >/dev/null 2>&1 \
        || hyperfine --warmup 3 --runs 30 --export-json "$scratch/h.json" "$2" >/dev/null
    printf -v "${1}_ms" '%s' "$(python3 -c 'import json, sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["mean"] * 1e3))' "$scratch/h.json")"
}

A="$scratch/annals" S="$scratch/sqlite.db"
echo "== cli: ingest, $events events, best of $runs"
best annals_none "'$annals' append --dir '$A' --durability none < '$jsonl'" "rm -rf '$A'"
best annals_full "'$annals' append --dir '$A' --durability always < '$jsonl'" "rm -rf '$A'"
best sqlite_off "'$scratch/sqlite_ingest' '$S' '$scratch/events.tsv' OFF 1000" "rm -f '$S' '$S-wal' '$S-shm'"
best sqlite_full "'$scratch/sqlite_ingest' '$S' '$scratch/events.tsv' FULL 1000" "rm -f '$S' '$S-wal' '$S-shm'"
"$annals" verify --dir "$A" --progress never >/dev/null  # leaves the store cleanly closed for the reads

echo "== cli: reads"
best annals_read "'$annals' read --dir '$A'"
best sqlite_read "sqlite3 -json '$S' 'SELECT id AS position, stream, version, type, data, metadata, created_at FROM events ORDER BY id'"
mean_ms annals_stream "$annals read --dir $A --stream $stream"
mean_ms sqlite_stream "sqlite3 $S \"SELECT id, version, type, data, metadata, created_at FROM events WHERE stream = '$stream' ORDER BY version\""
mean_ms annals_help "$annals --help"
mean_ms sqlite_one "sqlite3 $S \"select 1\""

scan_row=""
if [ -x "$json_bench" ]; then
    echo "== cli: JSON scanner alone"
    "$json_bench" "$jsonl" --seconds 2 > "$scratch/scan.md"
    scan_mb=$(awk -F'|' '/JSONValidator/ { gsub(/ /, "", $3); print $3 }' "$scratch/scan.md")
    memchr_mb=$(awk -F'|' '/memchr/ { gsub(/ /, "", $3); print $3 }' "$scratch/scan.md")
    extract_mb=$(awk -F'|' '/EventLine/ { gsub(/ /, "", $3); print $3 }' "$scratch/scan.md")
    verdict=$(awk -v v="$scan_mb" 'BEGIN { print (v >= 1000 ? "met" : "short") }')
    scan_row="| JSON scanner alone (validate; with field extraction $extract_mb MB/s) | $scan_mb MB/s | memchr over lines: $memchr_mb MB/s | $(awk -v a="$scan_mb" -v b="$memchr_mb" 'BEGIN { printf "%.2f× memchr", a / b }') | ≥ 1000 MB/s validated | $verdict |"
fi

# ratio TARGET SQLITE ANNALS: "R× | ≥ T× | met/short" (SQLite time ÷ annals time).
ratio() { awk -v t="$1" -v s="$2" -v a="$3" 'BEGIN { r = s / a; printf "%.2f× | ≥ %s× | %s", r, t, (r >= t ? "met" : "short") }'; }
rate() { awk -v n="$events" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
{
    echo "## The CLI as whole processes, beside SQLite's own tools"
    echo
    echo "\`Benchmarks/Scripts/cli_bench.sh\`: $events events ($jsonl_bytes bytes of JSONL), best of $runs runs;"
    echo "one-stream reads and startup are hyperfine means of 30 processes. Load average at the start: $load."
    echo "SQLite: the C API (WAL, one prepared INSERT, batch 1000, reading the events as TSV) and the \`sqlite3\` shell."
    echo "Ratio: SQLite's time ÷ annals' time (above 1: annals is faster)."
    echo
    echo "| What | annals | SQLite | Ratio | Target | |"
    echo "|---|---|---|---|---|---|"
    echo "| Ingest, durable | \`append\`: ${annals_full_s} s ($(rate "$annals_full_s") events/s) | FULL, batch 1000: ${sqlite_full_s} s ($(rate "$sqlite_full_s") events/s) | $(ratio 3 "$sqlite_full_s" "$annals_full_s") |"
    echo "| Ingest, not durable | \`append --durability none\`: ${annals_none_s} s ($(rate "$annals_none_s") events/s) | synchronous=OFF, batch 1000: ${sqlite_off_s} s ($(rate "$sqlite_off_s") events/s) | $(ratio 3 "$sqlite_off_s" "$annals_none_s") |"
    echo "| Whole log out as JSON | \`read\`: ${annals_read_s} s | \`sqlite3 -json\`: ${sqlite_read_s} s | $(ratio 2 "$sqlite_read_s" "$annals_read_s") |"
    echo "| One stream, per process | \`read --stream $stream\`: ${annals_stream_ms} ms | \`sqlite3\` query: ${sqlite_stream_ms} ms | $(ratio 1 "$sqlite_stream_ms" "$annals_stream_ms") |"
    echo "| Process startup | \`annals --help\`: ${annals_help_ms} ms | \`sqlite3 db \"select 1\"\`: ${sqlite_one_ms} ms | - | ≤ 5 ms | $(awk -v v="$annals_help_ms" 'BEGIN { print (v <= 5 ? "met" : "short") }') |"
    echo "| Peak RSS of ingest | \`append\`: $(mb "$annals_full_kb") MB | FULL: $(mb "$sqlite_full_kb") MB | - | ≤ 100 MB over 1M events | $(awk -v k="$annals_full_kb" -v n="$events" 'BEGIN { print (k / 1024 <= 100 ? (n >= 1000000 ? "met" : "met at this size") : "short") }') |"
    [ -z "$scan_row" ] || echo "$scan_row"
    echo
    echo "Peak RSS of the reads: \`read\` $(mb "$annals_read_kb") MB, \`sqlite3 -json\` $(mb "$sqlite_read_kb") MB; of \`append --durability none\` $(mb "$annals_none_kb") MB."
} > "$report"
echo "== cli: wrote $report"
