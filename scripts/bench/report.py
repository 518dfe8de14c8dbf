#!/usr/bin/env python3
"""Print the table of scripts/bench/replica-vs-azmlinfsrv.sh from its results file.

Usage: report.py RESULTS.tsv [RATIO_TARGET]

RESULTS.tsv has one row per measured run, tab-separated, with the header
  server workers concurrency requests duration_us p50_us p99_us non2xx socket_errors
where server is "berth" or "azmlinfsrv". Standard library only.
Exit status: 0 target met (or one server only), 2 some run had errors (non-2xx or socket), 3 target missed.
"""
import csv
import sys


def load(path):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            key = (int(r["workers"]), int(r["concurrency"]))
            secs = int(r["duration_us"]) / 1e6
            rows.setdefault(key, {})[r["server"]] = {
                "rps": int(r["requests"]) / secs if secs > 0 else 0.0,
                "p50": int(r["p50_us"]) / 1000.0,
                "p99": int(r["p99_us"]) / 1000.0,
                "errors": int(r["non2xx"]) + int(r["socket_errors"]),
            }
    return rows


def cell(m):
    if m is None:
        return f"{'-':>9} {'-':>8} {'-':>8} {'-':>6}"
    return f"{m['rps']:>9.0f} {m['p50']:>8.2f} {m['p99']:>8.2f} {m['errors']:>6d}"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    target = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    rows = load(sys.argv[1])
    if not rows:
        sys.exit("report.py: no results")

    head = f"{'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    print(f"{'':>3} {'':>4} | {'berth replica':^35} | {'azmlinfsrv':^35} | {'berth/azml':^15}")
    print(f"{'wkr':>3} {'conc':>4} | {head} | {head} | {'req/s':>7} {'p99':>7}")
    print("-" * 102)  # errors: non-2xx responses + socket errors, as wrk counts them

    verdicts = []
    for (workers, conc) in sorted(rows):
        b = rows[(workers, conc)].get("berth")
        a = rows[(workers, conc)].get("azmlinfsrv")
        ratio = p99ratio = "-"
        if b and a:
            r = b["rps"] / a["rps"] if a["rps"] > 0 else float("inf")
            q = b["p99"] / a["p99"] if a["p99"] > 0 else float("inf")
            ratio, p99ratio = f"{r:.2f}x", f"{q:.2f}x"
            if b["errors"] or a["errors"]:
                verdict = "INVALID (errors)"
            elif r >= target and b["p99"] < a["p99"]:
                verdict = "met"
            else:
                why = []
                if r < target:
                    why.append(f"{r:.2f}x req/s")
                if b["p99"] >= a["p99"]:
                    why.append("p99 not lower")
                verdict = "MISSED (" + ", ".join(why) + ")"
            verdicts.append((workers, conc, verdict))
        print(f"{workers:>3} {conc:>4} | {cell(b)} | {cell(a)} | {ratio:>7} {p99ratio:>7}")

    had_errors = any(m["errors"] for point in rows.values() for m in point.values())
    if had_errors:
        print("\nWARNING: some runs had non-2xx responses or socket errors (errors column); "
              "those figures measure failures, not serving.")

    if not verdicts:
        print("\nOnly one server was measured: no ratios, no verdict.")
        return 2 if had_errors else 0
    met = sum(1 for *_, v in verdicts if v == "met")
    detail = "; ".join(f"w={w} c={c}: {v}" for w, c, v in verdicts)
    overall = "MET" if met == len(verdicts) else "NOT MET"
    print(f"\nTarget (berth >= {target:g}x azmlinfsrv req/s at the same worker count, with a lower p99): "
          f"{overall} at {met}/{len(verdicts)} points -- {detail}")
    if had_errors:
        return 2
    return 0 if met == len(verdicts) else 3


if __name__ == "__main__":
    sys.exit(main())
