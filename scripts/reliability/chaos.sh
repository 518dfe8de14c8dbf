#!/usr/bin/env bash
# Chaos: the `echo` fixture deployed with 2 replicas on a real `berth server`, under a steady load
# (wrk), while a replica is killed with SIGKILL every CHAOS_INTERVAL seconds; then the whole server
# is killed with SIGKILL and started again. Prints the requests, the failures and the kills (a
# request may fail only when it was in flight on the killed replica: at most the service's
# maxConcurrentRequestsPerContainer per kill), and the time from the restart to the first 200.
# Not a test: run it by hand (scripts/reliability/README.md); figures go to docs/reliability.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=scripts/bench/lib.sh
source "$repo/scripts/bench/lib.sh"

CHAOS_SECONDS="${CHAOS_SECONDS:-30}"
CHAOS_INTERVAL="${CHAOS_INTERVAL:-3}"
CHAOS_CONNECTIONS="${CHAOS_CONNECTIONS:-8}"
MAX_CONCURRENT=4
BERTH_BIN="${BERTH_BIN:-}"

work="$(mktemp -d /tmp/berth-chaos.XXXXXX)"
server_pid=""
cleanup() {
    local rc=$?
    [[ -z "$server_pid" ]] || stop_pid "$server_pid"
    if [[ $rc -eq 0 ]]; then rm -rf "$work"; else log "logs kept in $work"; fi
    exit "$rc"
}
trap cleanup EXIT
command -v wrk >/dev/null || apt_install wrk
ensure_berth_bin
"$repo/scripts/setup-python.sh" >/dev/null

export BERTH_HOME="$work/home" BERTH_PYTHONPATH="$repo/python"
start_server() {
    setsid "$BERTH_BIN" server --port 0 --router-port "$router_port" --log-level warning >>"$work/server.log" 2>&1 &
    server_pid=$!
}
router_port=$(free_port)
start_server
for _ in $(seq 300); do "$BERTH_BIN" computetarget list >/dev/null 2>&1 && break; sleep 0.1; done
"$BERTH_BIN" computetarget create local -n chaos --cluster-purpose DevTest >/dev/null
mkdir -p "$work/model" && echo "a tiny model" >"$work/model/model.txt"
"$BERTH_BIN" model register -n echo-model -p "$work/model/model.txt" >/dev/null
cat >"$work/deploymentconfig.json" <<JSON
{"computeType": "aks", "numReplicas": 2, "maxConcurrentRequestsPerContainer": $MAX_CONCURRENT, "maxQueueWaitMs": 5000,
 "containerResourceRequirements": {"cpu": 0.5, "memoryInGB": 0.5}}
JSON
"$BERTH_BIN" model deploy -n chaos-svc -m echo-model:1 --ic "$repo/Tests/Fixtures/corpus/echo/inferenceconfig.json" \
    --dc "$work/deploymentconfig.json" --ct chaos >"$work/deploy.log" 2>&1 || { cat "$work/deploy.log"; die "deploy failed"; }
uri=$("$BERTH_BIN" service show -n chaos-svc -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["scoringUri"])')
key=$("$BERTH_BIN" service get-keys -n chaos-svc -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["primaryKey"])')
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); berth $BERTH_BIN"

# (1) replicas killed under load
replica_pids() { pgrep -f -- "replica .*--service-name chaos-svc" || true; }
wrk -t2 -c"$CHAOS_CONNECTIONS" -d"${CHAOS_SECONDS}s" -s "$repo/scripts/bench/post.lua" -H "Authorization: Bearer $key" \
    "$uri" >"$work/wrk.out" &
wrk_pid=$!
kills=0
sleep "$CHAOS_INTERVAL"
while kill -0 "$wrk_pid" 2>/dev/null; do
    victim=$(replica_pids | shuf -n1)
    if [[ -n "$victim" ]]; then kill -9 "$victim" && kills=$((kills + 1)); fi
    sleep "$CHAOS_INTERVAL"
done
wait "$wrk_pid" || true
line=$(grep '^BENCH_RESULT' "$work/wrk.out") || die "wrk printed no result"
# shellcheck disable=SC2046
eval $(sed 's/^BENCH_RESULT //' <<<"$line" | sed 's/ /; /g')
failed=$((non2xx + connect + read + write + timeout))
echo "replica kills: $kills in ${CHAOS_SECONDS} s; requests: $requests; failed: $failed (non-2xx $non2xx, socket errors $((connect + read + write + timeout)))"
echo "allowed: at most $((kills * MAX_CONCURRENT)) (maxConcurrentRequestsPerContainer $MAX_CONCURRENT per kill)"
verdict=PASS
((failed <= kills * MAX_CONCURRENT)) || verdict=FAIL

# (2) the whole server killed and started again
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
started=$(date +%s.%N)
start_server
until [[ "$(status_of "$uri" -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d '{"a": 1}')" == 200 ]]; do
    sleep 0.02
    python3 -c "import sys,time; sys.exit(time.time() - $started > 120)" || { verdict=FAIL; break; }
done
echo "server killed with SIGKILL, restarted: first 200 after $(python3 -c "import time; print(f'{time.time() - $started:.2f}')") s"
echo "verdict: $verdict"
[[ "$verdict" == PASS ]] || exit 2
