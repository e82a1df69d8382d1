#!/usr/bin/env python3
"""Removes the metrics and tracing hooks from the paths observability_cost measures (appends,
stream reads, the commit thread's group, fdatasync, block-cache lookups), in a copy of the
tree given as the only argument. What is left is the same code with no observability at all:
the base of `observability_cost.sh --stripped-base`, which so measures the hooks alone,
whatever else changed since the commit before them.

Each hook is matched exactly; one that is not found fails the script, so a change to a hook
must be made here too (never silently measured with the hook left in)."""
import sys

HOOKS = [
    ("Sources/Annals/Store/StoreEngine+Append.swift",
     "        if isObserved { return try await appendObserved(requests, condition: condition) }\n", ""),
    ("Sources/Annals/Observability/StoreEngine+Observed.swift",
     "        if !isObserved { return try read() }\n        return try observedRead(kind, read)\n",
     "        return try read()\n"),
    ("Sources/AnnalsLog/Log/Log+Commit.swift",
     "        var (recordsEncoded, bytesEncoded) = (0, 0)\n"
     "        defer { metrics?.noteGroup(requests: group.count, records: recordsEncoded, bytes: bytesEncoded) }\n", ""),
    ("Sources/AnnalsLog/Log/Log+Commit.swift",
     "            recordsEncoded += entries.count\n            bytesEncoded += paddedBytes\n", ""),
    ("Sources/AnnalsLog/Segment/SegmentWriter.swift",
     "            let started = metrics == nil ? 0 : monotonicNanoseconds()\n", ""),
    ("Sources/AnnalsLog/Segment/SegmentWriter.swift",
     "            if let metrics { metrics.noteSync(nanoseconds: monotonicNanoseconds() &- started) }\n", ""),
    ("Sources/AnnalsLog/Sealed/BlockCache.swift",
     "        metrics?.noteCacheLookup(hit: found != nil)\n", ""),
]

root = sys.argv[1]
for path, hook, replacement in HOOKS:
    with open(f"{root}/{path}") as file:
        text = file.read()
    if text.count(hook) != 1:
        sys.exit(f"strip_hooks.py: the hook is not (exactly once) in {path}:\n{hook}")
    with open(f"{root}/{path}", "w") as file:
        file.write(text.replace(hook, replacement))
print(f"strip_hooks.py: removed {len(HOOKS)} hooks", file=sys.stderr)
