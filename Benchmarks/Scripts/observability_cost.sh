#!/usr/bin/env bash
# What metrics and tracing cost when no backend and no tracer is bootstrapped (issue 14: within
# 2%). Builds observability_cost/main.swift in release twice, against BASE (default: the commit
# before the one that added Sources/AnnalsLog/Observability/LogMetrics.swift) and against the
# working tree (or NEW, a commit), then runs the two alternately ROUNDS times and prints, per
# measure, the median of each, the ratio and the spread (min..max) of each side, as a markdown
# table.
#
#   observability_cost.sh [--base REF] [--new REF] [--rounds N] [--events N] [--reads N]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
base="" new="" rounds=7 events=200000 reads=200000
while [ $# -gt 0 ]; do
    case "$1" in
        --base) base="$2"; shift 2 ;;
        --new) new="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --events) events="$2"; shift 2 ;;
        --reads) reads="$2"; shift 2 ;;
        *) echo "usage: observability_cost.sh [--base REF] [--new REF] [--rounds N] [--events N] [--reads N]" >&2; exit 2 ;;
    esac
done
# Default base: the commit before the one that added the core's metric handles.
if [ -z "$base" ]; then
    first=$(git -C "$repo" log --diff-filter=A --format=%H -- Sources/AnnalsLog/Observability/LogMetrics.swift | tail -1)
    base="$first^"
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/annals-obs-cost-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# The base tree as it was at BASE; the new one is the working tree itself, or NEW.
mkdir -p "$scratch/base-tree"
git -C "$repo" archive "$base" | tar -x -C "$scratch/base-tree"
new_tree="$repo"
if [ -n "$new" ]; then
    new_tree="$scratch/new-tree"
    mkdir -p "$new_tree"
    git -C "$repo" archive "$new" | tar -x -C "$new_tree"
fi

make_package() {  # $1: package dir, $2: Annals tree
    mkdir -p "$1/Sources/ObservabilityCost"
    cp "$here/observability_cost/main.swift" "$1/Sources/ObservabilityCost/main.swift"
    cat > "$1/Package.swift" <<PACKAGE
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "ObservabilityCost",
    dependencies: [.package(name: "Annals", path: "$2")],
    targets: [.executableTarget(name: "ObservabilityCost", dependencies: [.product(name: "Annals", package: "Annals")])]
)
PACKAGE
    echo "== release build against $2" >&2
    swift build -c release --package-path "$1" >/dev/null
}
make_package "$scratch/base" "$scratch/base-tree"
make_package "$scratch/new" "$new_tree"

for round in $(seq "$rounds"); do
    for side in base new; do
        "$scratch/$side/.build/release/ObservabilityCost" "$events" "$reads" | sed "s/^/$side /" >> "$scratch/results"
    done
done

python3 - "$scratch/results" "$base" "$rounds" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    side, name, value = line.split()
    rows.setdefault(name, {}).setdefault(side, []).append(int(value))
print(f"Base {sys.argv[2][:12]}, {sys.argv[3]} alternating rounds, medians (min..max):\n")
print("| Measure | Base | With metrics and tracing, none bootstrapped | New / base |")
print("|---|---:|---:|---:|")
for name, sides in rows.items():
    b, n = sides["base"], sides["new"]
    mb, mn = statistics.median(b), statistics.median(n)
    print(f"| {name} | {mb:,.0f} ({min(b):,}..{max(b):,}) | {mn:,.0f} ({min(n):,}..{max(n):,}) | {mn / mb:.3f} |")
PY
