#!/usr/bin/env python3
"""Prints the table of scripts/bench/router-vs-nginx.sh from its TSV: req/s, p50 and p99 per path,
berth/nginx throughput, the p50 each proxy adds over the direct path, and the issue-5 targets."""
import csv
import os
import sys

TARGET_RATIO = float(os.environ.get("BENCH_TARGET_RATIO", "0.8"))
TARGET_ADDED_P50_MS = float(os.environ.get("BENCH_TARGET_ADDED_P50_MS", "0.15"))


def main(path):
    rows = {r["path"]: r for r in csv.DictReader(open(path), delimiter="\t")}
    print(f"cores: {os.cpu_count()}   load average at the end: {open('/proc/loadavg').read().split()[:3]}")
    print("| path | connections | req/s | p50 ms | p99 ms | non-2xx | socket errors |")
    print("|---|---|---|---|---|---|---|")
    rps = {}
    for name, r in rows.items():
        rps[name] = int(r["requests"]) / (int(r["duration_us"]) / 1e6)
        print(f"| {name} | {r['connections']} | {rps[name]:.0f} | {int(r['p50_us']) / 1000:.3f} | "
              f"{int(r['p99_us']) / 1000:.3f} | {r['non2xx']} | {r['socket_errors']} |")
    if {"direct", "nginx", "berth"} <= rows.keys():
        p50 = {n: int(rows[n]["p50_us"]) / 1000 for n in ("direct", "nginx", "berth")}
        ratio = rps["berth"] / rps["nginx"]
        added_berth = p50["berth"] - p50["direct"]
        print()
        print(f"berth/nginx throughput: {ratio:.2f}x (target >= {TARGET_RATIO}x: "
              f"{'met' if ratio >= TARGET_RATIO else 'MISSED'})")
        print(f"added p50 over direct: nginx {p50['nginx'] - p50['direct']:+.3f} ms, berth {added_berth:+.3f} ms "
              f"(target <= {TARGET_ADDED_P50_MS} ms: {'met' if added_berth <= TARGET_ADDED_P50_MS else 'MISSED'})")


if __name__ == "__main__":
    main(sys.argv[1])
