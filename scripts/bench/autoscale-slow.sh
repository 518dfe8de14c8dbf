#!/usr/bin/env bash
# Scaling benchmark: deploys the `slow` fixture (200 ms per request, autoscale 1–8 replicas, target
# 70 %) on a local cluster of a fresh `berth server`, steps the load from 1 to 10 concurrent clients,
# and prints a time line every 0.5 s (replicas ready/desired, in flight, p50/p99) and a summary:
# time from the step to the first scale-up decision, to the first new replica ready and to the target
# count, and from the end of the load to the first scale-down; zero 5xx is a target.
# Not a test. Knobs: BERTH_BIN (default: build release), BENCH_CLIENTS (10), BENCH_BEFORE (10 s),
# BENCH_DURING (40 s), BENCH_AFTER (80 s: the scale-down window is 60 s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

# shellcheck source=scripts/bench/lib.sh
source "$here/lib.sh"
ensure_berth_bin
echo "[bench] machine: $(nproc) cores, $(python3 -c 'import os; print(round(os.sysconf("SC_PAGE_SIZE")*os.sysconf("SC_PHYS_PAGES")/2**30))') GB"

export BERTH_HOME="$(mktemp -d /tmp/berth-bench-autoscale.XXXXXX)"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$BERTH_HOME"
}
trap cleanup EXIT

"$BERTH_BIN" server --port 0 --router-port 0 >"$BERTH_HOME/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do [[ -f "$BERTH_HOME/server.json" ]] && break; sleep 0.1; done
[[ -f "$BERTH_HOME/server.json" ]] || { cat "$BERTH_HOME/server.log"; exit 1; }

"$BERTH_BIN" computetarget create local -n bench --cluster-purpose DevTest --cores 4 --memory-gb 8 >/dev/null
printf 'weights\n' >"$BERTH_HOME/model.txt"
"$BERTH_BIN" model register -n slow-model -p "$BERTH_HOME/model.txt" >/dev/null
fixture=Tests/Fixtures/corpus/slow
"$BERTH_BIN" model deploy -n slow-svc -m slow-model:1 --ic "$fixture/inferenceconfig.json" \
    --dc "$fixture/deploymentconfig.json" --ct bench >&2

json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
control=$(json '["controlPlaneURL"]' <"$BERTH_HOME/server.json")
uri=$("$BERTH_BIN" service show -n slow-svc -o json | json '["scoringUri"]')
key=$("$BERTH_BIN" service get-keys -n slow-svc -o json | json '["primaryKey"]')

python3 "$here/autoscale_timeline.py" --control "$control" --token-file "$BERTH_HOME/admin-token" \
    --service slow-svc --uri "$uri" --key "$key" --clients "${BENCH_CLIENTS:-10}" \
    --before "${BENCH_BEFORE:-10}" --during "${BENCH_DURING:-40}" --after "${BENCH_AFTER:-80}"
