#!/usr/bin/env bash
# Benchmark: what request telemetry (appInsightsEnabled) costs a replica. Starts two `berth
# replica` processes serving the `echo` entry script — one without BERTH_REQUEST_TELEMETRY, one
# writing telemetry lines into a temporary folder — and drives each with wrk in alternating rounds
# (off, on, off, on, …), so the machine's other work falls on both alike. Prints req/s and p99 of
# every round, the median ratio on/off, and how many lines the "on" replica wrote (its
# berth_replica_telemetry_lines_total must equal the requests it answered: nothing dropped). Not a test: run it by hand.
#
#   scripts/bench/replica-telemetry.sh
#
# BERTH_BIN (default: the release build, built when missing), BENCH_ROUNDS (5), BENCH_SECONDS (5),
# BENCH_CONCURRENCY (8), BENCH_WORKERS (2), BERTH_PYTHON (python3).
# shellcheck disable=SC2317  # functions reached only through traps
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
# shellcheck source=scripts/bench/lib.sh
source "$here/lib.sh"

BENCH_ROUNDS="${BENCH_ROUNDS:-5}"
BENCH_SECONDS="${BENCH_SECONDS:-5}"
BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-8}"
BENCH_WORKERS="${BENCH_WORKERS:-2}"
BERTH_PYTHON="${BERTH_PYTHON:-python3}"
BENCH_READY_TIMEOUT="${BENCH_READY_TIMEOUT:-120}"

work=""
server_pids=()
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$wrk_pid" ]]; then kill "$wrk_pid" 2>/dev/null || true; fi
    for pid in "${server_pids[@]}"; do stop_pid "$pid"; done
    if [[ -n "$work" && -d "$work" ]]; then
        if [[ $rc -ne 0 ]]; then log "logs kept in $work"; else rm -rf "$work"; fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v wrk >/dev/null || { log "installing wrk (Debian)"; apt_install wrk; }
ensure_berth_bin
work="$(mktemp -d "${TMPDIR:-/tmp}/berth-telemetry-bench.XXXXXX")"
mkdir -p "$work/src" "$work/model" "$work/telemetry"
cp Tests/Fixtures/corpus/echo/score.py "$work/src/"
echo "a tiny model" >"$work/model/model.txt"

# start NAME [ENV=VALUE…] -> prints the base URL; the replica's pid goes to server_pids
start() {
    local name=$1 out="$work/$1.stdout" logf="$work/$1.log" port=""
    shift
    : >"$out"
    env "$@" BERTH_REPLICA_ID="bench-$name" BERTH_PYTHONPATH="$repo/python" setsid "$BERTH_BIN" replica \
        --entry-script score.py --source-dir "$work/src" --model-dir "$work/model" --python "$BERTH_PYTHON" \
        --workers "$BENCH_WORKERS" --port 0 --max-concurrent 64 >"$out" 2>"$logf" &
    server_pids+=("$!")
    local pid=$! deadline=$((SECONDS + BENCH_READY_TIMEOUT))
    until port=$(grep -m1 -oE 'Listening on http://127\.0\.0\.1:[0-9]+' "$out" | grep -oE '[0-9]+$'); do
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logf" >&2; die "$name exited before printing its port"; }
        ((SECONDS < deadline)) || die "$name printed no port in ${BENCH_READY_TIMEOUT}s"
        sleep 0.1
    done
    wait_ready "$name" "$pid" "http://127.0.0.1:$port/ready" "$logf"
    echo "http://127.0.0.1:$port"
}

context="{\"service\":\"bench\",\"models\":[\"echo-model:1\"],\"directory\":\"$work/telemetry\"}"
off=$(start off)
on=$(start on BERTH_REQUEST_TELEMETRY="$context")

# round BASE -> "REQUESTS_PER_SECOND P99_US REQUESTS"
round() {
    local out="$work/wrk.txt" r
    run_wrk -t2 -c"$BENCH_CONCURRENCY" -d"${BENCH_SECONDS}s" --latency -s "$here/post.lua" "$1/score" >"$out"
    r=$(grep -m1 '^BENCH_RESULT ' "$out") || { cat "$out" >&2; die "wrk printed no result"; }
    local requests duration p99 non2xx
    requests=$(grep -oE 'requests=[0-9]+' <<<"$r" | cut -d= -f2)
    duration=$(grep -oE 'duration_us=[0-9]+' <<<"$r" | cut -d= -f2)
    p99=$(grep -oE 'p99_us=[0-9]+' <<<"$r" | cut -d= -f2)
    non2xx=$(grep -oE 'non2xx=[0-9]+' <<<"$r" | cut -d= -f2)
    ((non2xx == 0)) || die "$non2xx answers were not 2xx"
    echo "$((requests * 1000000 / duration)) $p99 $requests"
}

log "warm-up"
run_wrk -t2 -c"$BENCH_CONCURRENCY" -d2s -s "$here/post.lua" "$off/score" >/dev/null
run_wrk -t2 -c"$BENCH_CONCURRENCY" -d2s -s "$here/post.lua" "$on/score" >/dev/null

ratios=()
echo "request telemetry on vs off — echo entry script, $BENCH_WORKERS workers, wrk -c$BENCH_CONCURRENCY, ${BENCH_SECONDS}s rounds, $(nproc) cores"
printf '%-6s %10s %10s %10s %10s %7s\n' round "off req/s" "off p99us" "on req/s" "on p99us" ratio
for i in $(seq "$BENCH_ROUNDS"); do
    read -r off_rps off_p99 _ < <(round "$off")
    read -r on_rps on_p99 _ < <(round "$on")
    ratio=$(python3 -c "print(f'{$on_rps / $off_rps:.3f}')")
    ratios+=("$ratio")
    printf '%-6s %10s %10s %10s %10s %7s\n' "$i" "$off_rps" "$off_p99" "$on_rps" "$on_p99" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
echo "median throughput on/off: $median"
# Lines are written off the request path: give the writer a moment to catch up, then compare the
# "on" replica's own counts (the folder keeps only 64 MiB, so its lines may be fewer).
metric() { curl -s "$on/metrics" | awk -v name="$1" '$1 ~ "^"name {sum += $2} END {printf "%d", sum}'; }
for _ in $(seq 50); do
    (($(metric berth_replica_telemetry_lines_total) >= $(metric berth_replica_requests_total))) && break
    sleep 0.1
done
echo "telemetry lines written: $(metric berth_replica_telemetry_lines_total) of $(metric berth_replica_requests_total) requests answered (warm-up included); dropped: $(metric berth_replica_telemetry_dropped_total)"
