#!/usr/bin/env python3
"""Turns the shared workload's JSON lines into the benchmark's input, one event a line:

    stream TAB type TAB data-json TAB metadata-json

data and metadata are re-serialized compactly (json.dumps escapes tabs and newlines, so the
four fields never contain either). The Swift harness then needs no JSON parser: each peer
gets exactly the same bytes.

    jsonl_to_tsv.py < events.jsonl > events.tsv
"""
import json
import sys

for line in sys.stdin:
    event = json.loads(line)
    fields = [
        event["stream"],
        event["type"],
        json.dumps(event["data"], separators=(",", ":")),
        json.dumps(event.get("metadata", {}), separators=(",", ":")),
    ]
    sys.stdout.write("\t".join(fields) + "\n")
