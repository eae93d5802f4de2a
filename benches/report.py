#!/usr/bin/env python3
"""Prints criterion medians as markdown tables, with ratios to each group's baseline.

Usage: python3 benches/report.py [CRITERION_DIR]   (default: target/criterion)

Reads every <group>/<function>[/<parameter>]/new/{benchmark,estimates}.json. In each group the
function named `baseline` (or `state` for the web group) is the reference: an entry with a
parameter is compared with the baseline of the same parameter when there is one. Groups named
`threads_*` also get the throughput ratio 2 x median(1 thread) / median(2 threads).
"""
import json
import os
import sys
from collections import defaultdict

REFERENCE = {"web_request": "state"}


def load(root):
    groups = defaultdict(dict)
    for dirpath, _, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "estimates.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            median = json.load(f)["median"]["point_estimate"]
        key = (bench["function_id"], bench.get("value_str"))
        groups[bench["group_id"]][key] = median
    return groups


def human(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def table(group, entries):
    ref_name = REFERENCE.get(group, "baseline")
    lines = [f"### {group}", "", "| function | median | ratio to " + ref_name + " |", "|---|---:|---:|"]
    order = sorted(entries, key=lambda k: (k[0] != ref_name, k[0], int(k[1]) if (k[1] or "").isdigit() else 0))
    for name, param in order:
        median = entries[(name, param)]
        ref = entries.get((ref_name, param), entries.get((ref_name, None)))
        ratio = f"{median / ref:.2f}×" if ref else "–"
        label = f"{name}/{param}" if param else name
        lines.append(f"| {label} | {human(median)} | {ratio} |")
    if group.startswith("threads_"):
        for who in sorted({name for name, _ in entries}):
            one, two = entries.get((who, "1")), entries.get((who, "2"))
            if one and two:
                lines.append(f"| **{who}: 2-thread throughput / 1-thread** | | **{2 * one / two:.2f}×** |")
    return "\n".join(lines) + "\n"


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join("target", "criterion")
    groups = load(root)
    if not groups:
        sys.exit(f"no criterion results under {root}")
    for group in sorted(groups):
        print(table(group, groups[group]))


if __name__ == "__main__":
    main()
