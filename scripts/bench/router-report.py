#!/usr/bin/env python3
"""Prints the table of scripts/bench/router-vs-nginx.sh from its TSV: req/s, p50 and p99 per path,
berth/nginx throughput, the p50 each proxy adds over the direct path, and the targets; with
BENCH_TLS=1 also the handshake rounds (a new TLS connection per request).

Rows named PATH#K are round K of PATH: nginx and berth run in alternating rounds, and the
throughput target is judged on the median of the rounds' berth/nginx ratios, so a burst of other
work on the shared machine during one run moves one ratio, not the verdict."""
import csv
import os
import statistics
import sys

TARGET_RATIO = float(os.environ.get("BENCH_TARGET_RATIO", "0.8"))
TARGET_ADDED_P50_MS = float(os.environ.get("BENCH_TARGET_ADDED_P50_MS", "0.15"))
# Router throughput with metrics on within 3 % of metrics off.
TARGET_METRICS_RATIO = float(os.environ.get("BENCH_TARGET_METRICS_RATIO", "0.97"))


def requests_per_second(row):
    return int(row["requests"]) / (int(row["duration_us"]) / 1e6)


def main(path):
    rows = {r["path"]: r for r in csv.DictReader(open(path), delimiter="\t")}
    print(f"cores: {os.cpu_count()}   load average at the end: {open('/proc/loadavg').read().split()[:3]}")
    print("| path | connections | req/s | p50 ms | p99 ms | non-2xx | socket errors |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['connections']} | {requests_per_second(r):.0f} | {int(r['p50_us']) / 1000:.3f} | "
              f"{int(r['p99_us']) / 1000:.3f} | {r['non2xx']} | {r['socket_errors']} |")
    rounds = paired_rounds(rows)
    if rounds:
        ratios = [requests_per_second(rows[f"berth{k}"]) / requests_per_second(rows[f"nginx{k}"]) for k in rounds]
        ratio = statistics.median(ratios)
        print()
        print(f"berth/nginx throughput at {rows['berth' + rounds[0]]['connections']} connections: "
              f"{ratio:.3f}x, the median of {len(ratios)} round(s): {', '.join(f'{r:.2f}' for r in ratios)} "
              f"(target >= {TARGET_RATIO}x: {'met' if ratio >= TARGET_RATIO else 'MISSED'})")
        plain = [k for k in rounds if f"berth-nometrics{k}" in rows]
        if plain:
            costs = [requests_per_second(rows[f"berth{k}"]) / requests_per_second(rows[f"berth-nometrics{k}"])
                     for k in plain]
            cost = statistics.median(costs)
            print(f"metrics on / metrics off throughput: {cost:.3f}x, the median of {len(costs)} round(s): "
                  f"{', '.join(f'{c:.3f}' for c in costs)} (target >= {TARGET_METRICS_RATIO}: "
                  f"{'met' if cost >= TARGET_METRICS_RATIO else 'MISSED'})")
            cpu = [(float(rows[f"berth{k}"]["cpu_us_per_request"]), float(rows[f"berth-nometrics{k}"]["cpu_us_per_request"]))
                   for k in plain if rows[f"berth{k}"].get("cpu_us_per_request") and
                   rows[f"berth-nometrics{k}"].get("cpu_us_per_request")]
            if cpu:
                print(f"router CPU time per request, metrics on / off: "
                      f"{statistics.median(on for on, _ in cpu):.2f} / {statistics.median(off for _, off in cpu):.2f} us "
                      f"(medians of the rounds; per round: {', '.join(f'{on:.2f}/{off:.2f}' for on, off in cpu)})")
        traced = [k for k in rounds if f"berth-traced{k}" in rows]
        if traced:
            costs = [requests_per_second(rows[f"berth-traced{k}"]) / requests_per_second(rows[f"berth{k}"])
                     for k in traced]
            print(f"tracing on / tracing off throughput: {statistics.median(costs):.3f}x, the median of "
                  f"{len(costs)} round(s): {', '.join(f'{c:.3f}' for c in costs)}")
            cpu = [(float(rows[f"berth-traced{k}"]["cpu_us_per_request"]), float(rows[f"berth{k}"]["cpu_us_per_request"]))
                   for k in traced if rows[f"berth-traced{k}"].get("cpu_us_per_request") and
                   rows[f"berth{k}"].get("cpu_us_per_request")]
            if cpu:
                print(f"router CPU time per request, tracing on / off: "
                      f"{statistics.median(on for on, _ in cpu):.2f} / {statistics.median(off for _, off in cpu):.2f} us "
                      f"(medians of the rounds; per round: {', '.join(f'{on:.2f}/{off:.2f}' for on, off in cpu)})")
        if "nio-bare" in rows:
            berth = statistics.median(requests_per_second(rows[f"berth{k}"]) for k in rounds)
            nginx = statistics.median(requests_per_second(rows[f"nginx{k}"]) for k in rounds)
            bare = requests_per_second(rows["nio-bare"])
            print(f"berth/nio-bare throughput: {berth / bare:.2f}x; nio-bare/nginx: {bare / nginx:.2f}x "
                  "(a bare SwiftNIO proxy with none of the router's work; medians of the rounds)")
        print_added_p50(rows, "", rounds[0], "at saturation, first round; p50 there is about "
                        "connections / throughput, for every path")
    handshakes = [name[len("handshakes-nginx"):] for name in rows if name.startswith("handshakes-nginx")]
    handshakes = [k for k in handshakes if f"handshakes-berth{k}" in rows]
    if handshakes:
        ratios = [requests_per_second(rows[f"handshakes-berth{k}"]) / requests_per_second(rows[f"handshakes-nginx{k}"])
                  for k in handshakes]
        nginx = statistics.median(requests_per_second(rows[f"handshakes-nginx{k}"]) for k in handshakes)
        berth = statistics.median(requests_per_second(rows[f"handshakes-berth{k}"]) for k in handshakes)
        print(f"handshakes/s (a new TLS connection per request): nginx {nginx:.0f}, berth {berth:.0f}; "
              f"berth/nginx {statistics.median(ratios):.3f}x, the median of {', '.join(f'{r:.2f}' for r in ratios)}")
    unloaded = sorted({name.split("@")[1] for name in rows if "@" in name})
    for connections in unloaded:
        print_added_p50(rows, f"@{connections}", f"@{connections}", f"{connections} connection(s), unloaded",
                        target=True)


def paired_rounds(rows):
    """The suffixes ("#1", "#2", …, or "" for a file from before rounds) that have both nginx and berth."""
    suffixes = [name[len("nginx"):] for name in rows if name.startswith("nginx#") or name == "nginx"]
    return [s for s in suffixes if f"berth{s}" in rows]


def print_added_p50(rows, direct_suffix, proxy_suffix, what, target=False):
    """The p50 nginx and berth add over the direct path."""
    names = ["direct" + direct_suffix, "nginx" + proxy_suffix, "berth" + proxy_suffix]
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
