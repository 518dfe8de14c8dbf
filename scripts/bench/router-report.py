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
        ratio = rps["berth"] / rps["nginx"]
        print()
        print(f"berth/nginx throughput at {rows['berth']['connections']} connections: {ratio:.2f}x "
              f"(target >= {TARGET_RATIO}x: {'met' if ratio >= TARGET_RATIO else 'MISSED'})")
        if "nio-bare" in rows:
            print(f"berth/nio-bare throughput: {rps['berth'] / rps['nio-bare']:.2f}x; nio-bare/nginx: "
                  f"{rps['nio-bare'] / rps['nginx']:.2f}x (a bare SwiftNIO proxy with none of the router's work)")
        print_added_p50(rows, "", "at saturation; p50 there is about connections / throughput, for every path")
    unloaded = sorted({name.split("@")[1] for name in rows if "@" in name})
    for connections in unloaded:
        print_added_p50(rows, f"@{connections}", f"{connections} connection(s), unloaded", target=True)


def print_added_p50(rows, suffix, what, target=False):
    """The p50 nginx and berth add over the direct path, for the rows named direct/nginx/berth + suffix."""
    names = [name + suffix for name in ("direct", "nginx", "berth")]
    if not set(names) <= rows.keys():
        return
    direct, nginx, berth = (int(rows[n]["p50_us"]) / 1000 for n in names)
    line = f"added p50 over direct ({what}): nginx {nginx - direct:+.3f} ms, berth {berth - direct:+.3f} ms"
    if target:
        met = berth - direct <= TARGET_ADDED_P50_MS
        line += f" (target <= {TARGET_ADDED_P50_MS} ms: {'met' if met else 'MISSED'})"
    print(line)


if __name__ == "__main__":
    main(sys.argv[1])
