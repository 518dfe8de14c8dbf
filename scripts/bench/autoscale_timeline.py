"""Drives a deployed service with a load step and prints the autoscaler's time line.

Used by scripts/bench/autoscale-slow.sh. Phases: `--before` seconds at 1 client, `--during`
seconds at `--clients` clients (the step), `--after` seconds with no load. Every 0.5 s it prints
replicas ready and desired (from the control plane), the router's smoothed in-flight load and
the p50/p99 of the requests that finished in that half second; then a summary with the times
from the step to the first scale-up decision, the first new replica ready and the target count,
and from the end of the load to the first scale-down, plus the count of 5xx answers.
"""

import argparse
import datetime
import http.client
import json
import statistics
import threading
import time
import urllib.parse


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Load:
    def __init__(self, uri, key):
        self.url = urllib.parse.urlsplit(uri)
        self.key = key
        self.lock = threading.Lock()
        self.latencies = []  # (finished_at, seconds, status)
        self.active = 0
        self.stop = threading.Event()
        self.threads = []

    def client(self, index, until):
        conn = None
        body = json.dumps({"client": index})
        while not self.stop.is_set() and time.time() < until():
            if conn is None:
                conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=120)
            started = time.time()
            try:
                conn.request("POST", self.url.path, body, {"Content-Type": "application/json",
                                                         "Authorization": f"Bearer {self.key}"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except Exception:
                status = 0
                conn.close()
                conn = None
            with self.lock:
                self.latencies.append((time.time(), time.time() - started, status))

    def start_clients(self, count, until):
        for _ in range(count):
            thread = threading.Thread(target=self.client, args=(len(self.threads), until), daemon=True)
            self.threads.append(thread)
            thread.start()


def service(control, token, name):
    url = urllib.parse.urlsplit(control)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", f"/api/v1/services/{name}", headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return data


class Watcher:
    """Polls the service every 50 ms so the step-to-decision time is measured to ±50 ms
    (the events' timestamps are whole seconds)."""

    def __init__(self, control, token, name):
        self.args = (control, token, name)
        self.samples = []  # (time, ready, desired)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stop.is_set():
            try:
                state = service(*self.args)
                self.samples.append((time.time(), state["readyReplicas"], state["desiredReplicas"]))
            except Exception:
                pass
            time.sleep(0.05)


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(value):
    return "   -  " if value is None else f"{value * 1000:6.0f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--control", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--uri", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--before", type=float, default=10)
    parser.add_argument("--during", type=float, default=40)
    parser.add_argument("--after", type=float, default=80)
    args = parser.parse_args()
    token = open(args.token_file).read().strip()

    load = Load(args.uri, args.key)
    watcher = Watcher(args.control, token, args.service)
    t0 = time.time()
    step_at = t0 + args.before
    stop_at = step_at + args.during
    end_at = stop_at + args.after
    load.start_clients(1, lambda: stop_at)
    stepped = False
    timeline = []
    print(f"{'t (s)':>6} {'phase':>7} {'ready':>5} {'desired':>7} {'inflight':>8} {'util %':>6} {'done':>5} {'p50 ms':>6} {'p99 ms':>6}")
    next_tick = t0
    while time.time() < end_at:
        now = time.time()
        if not stepped and now >= step_at:
            load.start_clients(args.clients - 1, lambda: stop_at)
            stepped = True
        state = service(args.control, token, args.service)
        scaler = state.get("autoscaler") or {}
        with load.lock:
            recent = [latency for finished, latency, _ in load.latencies if now - 0.5 < finished <= now]
        phase = "1 cl" if now < step_at else (f"{args.clients} cl" if now < stop_at else "idle")
        row = (now - t0, state["readyReplicas"], state["desiredReplicas"])
        timeline.append(row)
        util = scaler.get("utilization")
        print(f"{now - t0:6.1f} {phase:>7} {state['readyReplicas']:5d} {state['desiredReplicas']:7d} "
              f"{scaler.get('averageInFlight') or 0:8.2f} {'' if util is None else f'{util:.0f}':>6} {len(recent):5d} "
              f"{ms(percentile(recent, 50))} {ms(percentile(recent, 99))}", flush=True)
        next_tick += 0.5
        time.sleep(max(0, next_tick - time.time()))
    load.stop.set()
    watcher.stop.set()
    for thread in load.threads:
        thread.join()

    state = service(args.control, token, args.service)
    events = list(reversed((state.get("autoscaler") or {}).get("events") or []))
    downs = [e for e in events if e["kind"] == "ScaleDown" and parse_time(e["time"]) >= stop_at - 1]
    before = [(r, d) for t, r, d in watcher.samples if t < step_at]
    base_ready, base_desired = before[-1] if before else (1, 1)
    during = [(t, r, d) for t, r, d in watcher.samples if step_at <= t < stop_at]
    peak = max((d for _, _, d in during), default=base_desired)
    first_decision = next((t - step_at for t, _, d in during if d > base_desired), None)
    first_ready = next((t - step_at for t, r, _ in during if r > base_ready), None)
    target_ready = next((t - step_at for t, r, _ in during if r >= peak), None)
    after = [(t, d) for t, _, d in watcher.samples if t >= stop_at]
    first_down = next((t - stop_at for t, d in after if d < peak), None)
    statuses = [status for _, _, status in load.latencies]
    errors = sum(1 for s in statuses if s >= 500 or s == 0)
    all_latencies = [latency for _, latency, status in load.latencies if status == 200]

    print("\nScaling events:")
    for event in events:
        print(f"  {parse_time(event['time']) - t0:6.1f} s  {event['kind']:<15} {event['fromReplicas']} → {event['toReplicas']}  {event['reason']}")
    print("\nSummary")
    print(f"  requests: {len(statuses)}, 5xx or transport errors: {errors}; "
          f"p50 {ms(percentile(all_latencies, 50)).strip()} ms, p99 {ms(percentile(all_latencies, 99)).strip()} ms")
    print(f"  before the step: {base_ready} ready / {base_desired} desired (1 client at 200 ms is 100 % of one replica)")
    print(f"  step → first scale-up decision: {'-' if first_decision is None else f'{first_decision:.2f} s'} (target ≤ 1 s)")
    print(f"  step → first new replica ready: {'-' if first_ready is None else f'{first_ready:.2f} s'}")
    print(f"  step → all {peak} replicas ready: {'-' if target_ready is None else f'{target_ready:.2f} s'}")
    print(f"  load stop → first scale-down: {'none within the run' if first_down is None else f'{first_down:.1f} s'} (target ≥ 60 s)")
    met_up = first_decision is not None and first_decision <= 1.0
    met_down = first_down is None or first_down >= 60
    print(f"  targets: scale-up ≤ 1 s {'MET' if met_up else 'MISSED'}; scale-down ≥ 60 s "
          f"{'MET' if met_down else 'MISSED'}; zero 5xx {'MET' if errors == 0 else 'MISSED'}")


if __name__ == "__main__":
    main()
