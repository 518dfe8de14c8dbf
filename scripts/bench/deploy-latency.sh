#!/usr/bin/env bash
# Deploy latency: `berth model deploy` of the echo fixture with its environment already cached,
# from the command to the service Healthy (the command returns then), on this checkout's build
# against a reference build of another revision, alternating in the same run on the same machine.
#
#   scripts/bench/deploy-latency.sh                 # reference: BEFORE_REF (default 2759fe6, the
#                                                   # last revision that polled readiness)
#   BEFORE_BIN=/path/to/berth AFTER_BIN=... RUNS=10 scripts/bench/deploy-latency.sh
#
# Each side has its own server and workspace; both share the machine's environment cache, which
# a first deploy fills. Prints each run's seconds, then the medians and their ratio (after/before).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source "$here/lib.sh"
runs="${RUNS:-8}"
before_ref="${BEFORE_REF:-2759fe6}"

cd "$repo"
scripts/setup-python.sh >/dev/null
python="$repo/.venv/bin/python"

if [[ -z "${AFTER_BIN:-}" ]]; then
    build_release_product berth
    AFTER_BIN="$repo/.build/release/berth"
fi
if [[ -z "${BEFORE_BIN:-}" ]]; then
    tree="$repo/.build-bench/before-$before_ref"
    if [[ ! -x "$tree/.build/release/berth" ]]; then
        log "building the reference revision $before_ref in $tree (release; several minutes)"
        rm -rf "$tree"
        git -C "$repo" worktree add --detach "$tree" "$before_ref" >&2
        (cd "$tree" && swift build -c release --product berth >&2)
    fi
    BEFORE_BIN="$tree/.build/release/berth"
fi

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

fixture="$repo/Tests/Fixtures/corpus/echo"
mkdir -p "$work/model" && echo "echo model" >"$work/model/model.txt"

# start SIDE BIN: a server in its own workspace on free ports, a local cluster, the echo model.
start() {
    local side=$1 bin=$2
    export BERTH_HOME="$work/$side"
    mkdir -p "$BERTH_HOME"
    "$bin" server --port 0 --router-port 0 >"$BERTH_HOME/server.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do "$bin" computetarget list >/dev/null 2>&1 && break; sleep 0.1; done
    "$bin" computetarget create local -n bench >/dev/null
    "$bin" model register -n echo -p "$work/model/model.txt" >/dev/null
    # The first deploy builds or finds the environment; not measured.
    "$bin" model deploy -n warm -m echo:1 --ic "$fixture/inferenceconfig.json" --dc "$fixture/deploymentconfig.json" \
        --ct bench >/dev/null
}

# deploy SIDE BIN N: "TOTAL GAP" for a fresh service: seconds from the command to its return
# with the service Healthy, and seconds from the replica's readiness (the time stamp of its log
# line "worker-0 ready: init() succeeded", millisecond precision, the same machine clock) to the
# command's return.
deploy() {
    local side=$1 bin=$2 n=$3
    export BERTH_HOME="$work/$side"
    local started ended
    started=$(date +%s.%N)
    "$bin" model deploy -n "svc-$n" -m echo:1 --ic "$fixture/inferenceconfig.json" \
        --dc "$fixture/deploymentconfig.json" --ct bench >/dev/null
    ended=$(date +%s.%N)
    "$bin" service get-logs -n "svc-$n" >"$work/logs-$side-$n.txt" 2>&1 || true
    "$bin" service delete -n "svc-$n" >/dev/null
    "$python" - "$started" "$ended" "$work/logs-$side-$n.txt" <<'PY'
import datetime, re, sys
started, ended, logs = float(sys.argv[1]), float(sys.argv[2]), open(sys.argv[3]).read()
stamps = re.findall(r"^(\S+Z) info berth\.replica: worker-\d+ ready: init\(\) succeeded", logs, re.M)
ready = max(datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() for s in stamps) if stamps else None
print(f"{ended - started:.3f} " + (f"{ended - ready:.3f}" if ready is not None else "nan"))
PY
}

log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
start before "$BEFORE_BIN"
start after "$AFTER_BIN"
before=() after=() before_gap=() after_gap=()
for n in $(seq 1 "$runs"); do
    read -r total gap < <(deploy before "$BEFORE_BIN" "$n")
    before+=("$total") before_gap+=("$gap")
    read -r total gap < <(deploy after "$AFTER_BIN" "$n")
    after+=("$total") after_gap+=("$gap")
    log "run $n: before ${before[-1]} s (${before_gap[-1]} s after readiness), after ${after[-1]} s (${after_gap[-1]} s after readiness)"
done
"$python" - "${before[*]}" "${after[*]}" "${before_gap[*]}" "${after_gap[*]}" <<'PY'
import math, statistics, sys
before, after, before_gap, after_gap = ([float(x) for x in arg.split()] for arg in sys.argv[1:5])
b, a = statistics.median(before), statistics.median(after)
print(f"deploy to Healthy, median of {len(before)}: before {b:.3f} s, after {a:.3f} s, ratio after/before {a / b:.2f}")
def gaps(values):
    known = sorted(v for v in values if not math.isnan(v))
    if not known:
        return "no readiness line found in the replica log"
    return f"median {statistics.median(known) * 1000:.0f} ms, max {known[-1] * 1000:.0f} ms"
print(f"replica ready to command returned: before {gaps(before_gap)}; after {gaps(after_gap)}")
PY
