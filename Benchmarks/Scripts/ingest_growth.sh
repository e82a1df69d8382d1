#!/usr/bin/env bash
# Where the ingest-growth target (issue 10: the cost per event of the 4th 250k-event part of a
# store within 5% of the 1st) loses its time, in instructions rather than seconds. Builds
# ingest_growth/main.swift in release against this tree, then counts with callgrind the
# instructions of runs of 250k, 750k and 1M events (1,000-event batches over 100,000 streams,
# `.none`): part 1 is the first run, part 4 the difference of the last two. Prints instructions
# per event of each part and the functions whose cost per event grew most.
#   ingest_growth.sh [--scratch DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
if [ "${1:-}" = "--scratch" ]; then
    scratch="$2"
    mkdir -p "$scratch"
else
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/annals-growth-XXXXXX")
    trap 'rm -rf "$scratch"' EXIT
fi
command -v valgrind >/dev/null || { echo "ingest_growth.sh needs valgrind" >&2; exit 1; }
mkdir -p "$scratch/pkg/Sources/IngestGrowth"
cp "$here/ingest_growth/main.swift" "$scratch/pkg/Sources/IngestGrowth/main.swift"
cat > "$scratch/pkg/Package.swift" <<PACKAGE
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "IngestGrowth",
    dependencies: [.package(name: "Annals", path: "$repo")],
    targets: [.executableTarget(name: "IngestGrowth", dependencies: [.product(name: "Annals", package: "Annals")])]
)
PACKAGE
swift build -c release --package-path "$scratch/pkg" >/dev/null
# valgrind 3.19 cannot read this toolchain's debug info: count on a copy without it.
cp "$scratch/pkg/.build/release/IngestGrowth" "$scratch/stripped" && strip --strip-debug "$scratch/stripped"
for events in 250000 750000 1000000; do
    TMPDIR="$scratch/" valgrind --tool=callgrind --callgrind-out-file="$scratch/$events.out" "$scratch/stripped" "$events" 2>/dev/null
done
python3 - "$scratch" <<'PY'
import re, subprocess, sys
scratch = sys.argv[1]
def functions(events):
    out = subprocess.run(["callgrind_annotate", "--threshold=100", f"{scratch}/{events}.out"], capture_output=True, text=True).stdout
    total, table = 0, {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(.*)", line)
        if not m: continue
        if "PROGRAM TOTALS" in line: total = int(m.group(1).replace(",", ""))
        else: table[m.group(2).split(" [")[0]] = int(m.group(1).replace(",", ""))
    return total, table
(t1, f1), (t3, f3), (t4, f4) = functions(250000), functions(750000), functions(1000000)
print(f"instructions per event: part 1 {t1 / 250000:,.0f}, part 4 {(t4 - t3) / 250000:,.0f}")
rows = sorted(((f4.get(k, 0) - f3.get(k, 0)) / 250000 - f1.get(k, 0) / 250000, k) for k in set(f1) | set(f4))
print("grew most (instructions per event, part 4 minus part 1):")
for grew, name in reversed(rows[-8:]): print(f"  {grew:+8,.0f}  {name[:110]}")
PY
