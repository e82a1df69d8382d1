#!/usr/bin/env bash
# What metrics and tracing cost when no backend and no tracer is bootstrapped (issue 14: within
# 2%). Builds observability_cost/main.swift in release twice, against BASE (default: the commit
# before the one that added Sources/AnnalsLog/Observability/LogMetrics.swift) and against the
# working tree (or NEW, a commit), then runs the two alternately ROUNDS times and prints, per
# measure, the median of each, the ratio and the spread (min..max) of each side, as a markdown
# table.
#
# --stripped-base builds the base from the new tree itself with the observability hooks removed
# (observability_cost/strip_hooks.py), so the comparison measures the hooks alone: against the
# commit before them, every other change made since counts too.
#
# --instructions counts instructions instead, with valgrind's callgrind, which a busy machine
# does not disturb: each phase runs at two sizes on each side, and the difference divided by
# the difference in operations is the cost of one operation, setup excluded. --scratch DIR
# keeps the builds and trees there and reuses them (for reruns with the same refs).
#
#   observability_cost.sh [--base REF | --stripped-base] [--new REF] [--rounds N] [--events N]
#                         [--reads N] [--instructions] [--scratch DIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
base="" new="" rounds=7 instructions="" keep="" events=200000 reads=200000 stripped=""
while [ $# -gt 0 ]; do
    case "$1" in
        --base) base="$2"; shift 2 ;;
        --new) new="$2"; shift 2 ;;
        --stripped-base) stripped=yes; shift ;;
        --instructions) instructions=yes; shift ;;
        --scratch) keep="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --events) events="$2"; shift 2 ;;
        --reads) reads="$2"; shift 2 ;;
        *) echo "usage: observability_cost.sh [--base REF | --stripped-base] [--new REF] [--rounds N] [--events N] [--reads N] [--instructions] [--scratch DIR]" >&2; exit 2 ;;
    esac
done
# Default base: the commit before the one that added the core's metric handles.
if [ -z "$base" ] && [ -z "$stripped" ]; then
    first=$(git -C "$repo" log --diff-filter=A --format=%H -- Sources/AnnalsLog/Observability/LogMetrics.swift | tail -1)
    base="$first^"
fi
label="${base:0:12}"
[ -z "$stripped" ] || label="${new:-the working tree} with its observability hooks stripped"
if [ -n "$keep" ]; then
    scratch="$keep"
    mkdir -p "$scratch"
else
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/annals-obs-cost-XXXXXX")
    trap 'rm -rf "$scratch"' EXIT
fi

# The base tree as it was at BASE; the new one is the working tree itself, or NEW.
# A kept scratch directory keeps its trees too (their files' times decide what SwiftPM rebuilds):
# reuse one only with the same refs.
rm -f "$scratch/results"
new_tree="$repo"
if [ -n "$new" ]; then
    new_tree="$scratch/new-tree"
    if [ ! -d "$new_tree" ]; then
        mkdir -p "$new_tree"
        git -C "$repo" archive "$new" | tar -x -C "$new_tree"
    fi
fi
if [ ! -d "$scratch/base-tree" ]; then
    mkdir -p "$scratch/base-tree"
    if [ -n "$stripped" ]; then
        # The new tree's files as they are (tracked and untracked, not ignored), then stripped.
        (cd "$new_tree" && if [ -n "$new" ]; then find . -type f -print0; else
            git ls-files -z --cached --others --exclude-standard; fi |
            tar --null --ignore-failed-read -T - -c) | tar -x -C "$scratch/base-tree"
        python3 "$here/observability_cost/strip_hooks.py" "$scratch/base-tree"
    else
        git -C "$repo" archive "$base" | tar -x -C "$scratch/base-tree"
    fi
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

if [ -n "$instructions" ]; then
    command -v valgrind >/dev/null || { echo "observability_cost.sh: --instructions needs valgrind" >&2; exit 1; }
    # valgrind 3.19 cannot read this toolchain's debug info: count on copies without it.
    for side in base new; do
        cp "$scratch/$side/.build/release/ObservabilityCost" "$scratch/$side-stripped"
        strip --strip-debug "$scratch/$side-stripped"
    done
    # Instructions of one run under callgrind (every thread), read from its summary line.
    count() {  # $1: side, then the program's arguments
        local side="$1"; shift
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$scratch/$side-stripped" "$@" 2>&1 >/dev/null |
            sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
    }
    small=2000 large=6000
    echo "Base ${label}; instructions per operation (callgrind; the difference between $small and $large operations):"
    echo
    echo "| Operation | Base | With metrics and tracing, none bootstrapped | New / base |"
    echo "|---|---:|---:|---:|"
    for phase in append_1 append_100 read_stream_sync read_stream_async; do
        declare -A per
        for side in base new; do
            case "$phase" in
                append_*) a=$(count "$side" "$small" 0 "$phase"); b=$(count "$side" "$large" 0 "$phase") ;;
                *) a=$(count "$side" 0 "$small" "$phase"); b=$(count "$side" 0 "$large" "$phase") ;;
            esac
            per[$side]=$(( (b - a) / (large - small) ))
        done
        python3 -c "import sys; b, n = int(sys.argv[2]), int(sys.argv[3]); print(f'| {sys.argv[1]} | {b:,} | {n:,} | {n / b:.4f} |')" "$phase" "${per[base]}" "${per[new]}"
    done
    exit 0
fi

for round in $(seq "$rounds"); do
    for side in base new; do
        "$scratch/$side/.build/release/ObservabilityCost" "$events" "$reads" | sed "s/^/$side /" >> "$scratch/results"
    done
done

python3 - "$scratch/results" "$label" "$rounds" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    side, name, value = line.split()
    rows.setdefault(name, {}).setdefault(side, []).append(int(value))
print(f"Base {sys.argv[2]}, {sys.argv[3]} alternating rounds, medians (min..max):\n")
print("| Measure | Base | With metrics and tracing, none bootstrapped | New / base |")
print("|---|---:|---:|---:|")
for name, sides in rows.items():
    b, n = sides["base"], sides["new"]
    mb, mn = statistics.median(b), statistics.median(n)
    print(f"| {name} | {mb:,.0f} ({min(b):,}..{max(b):,}) | {mn:,.0f} ({min(n):,}..{max(n):,}) | {mn / mb:.3f} |")
PY
