#!/usr/bin/env bash
# Benchmark: `berth replica` against Azure's own scoring server (azmlinfsrv, from the PyPI package
# azureml-inference-server-http) serving the same `echo` entry script on this machine, driven by the
# same load generator (wrk). Prints req/s, p50 and p99 of both and their ratios at each worker count
# × concurrency, then whether berth met the target (>= 3x req/s with a lower p99) at each point.
# Not a test: run it by hand. See scripts/bench/README.md for the knobs (environment variables).
# shellcheck disable=SC2317  # functions reached only through traps
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
# shellcheck source=scripts/bench/lib.sh
source "$here/lib.sh"

BENCH_WORKERS="${BENCH_WORKERS:-1 2}"
BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-1 8 32}"
BENCH_SECONDS="${BENCH_SECONDS:-10}"
BENCH_WARMUP="${BENCH_WARMUP:-2}"
BENCH_SERVERS="${BENCH_SERVERS:-berth azmlinfsrv}"
BENCH_READY_TIMEOUT="${BENCH_READY_TIMEOUT:-120}"
BENCH_TARGET="${BENCH_TARGET:-3}"
BENCH_VENV="${BENCH_VENV:-$repo/.build-bench/venv}"
BENCH_PYTHON="${BENCH_PYTHON:-python3}"
BENCH_RESULTS_DIR="${BENCH_RESULTS_DIR:-$repo/.build-bench/results}"
AZMLINFSRV_VERSION="${AZMLINFSRV_VERSION:-1.5.1}"
BERTH_BIN="${BERTH_BIN:-}"
BERTH_PYTHON="${BERTH_PYTHON:-python3}"
BERTH_ARGS="${BERTH_ARGS:-}"
AZMLINFSRV_ARGS="${AZMLINFSRV_ARGS:-}"
ENTRY_FIXTURE="Tests/Fixtures/corpus/echo/score.py"   # relative to the repo root

max_conc=1
for c in $BENCH_CONCURRENCY; do if ((c > max_conc)); then max_conc=$c; fi; done
BERTH_MAX_CONCURRENT="${BERTH_MAX_CONCURRENT:-$((max_conc > 64 ? max_conc * 2 : 64))}"

wants() { [[ " $BENCH_SERVERS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- cleanup: stop all we started
work=""
server_pids=()
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$wrk_pid" ]]; then kill "$wrk_pid" 2>/dev/null || true; fi
    for pid in "${server_pids[@]}"; do stop_pid "$pid"; done
    if [[ -n "$work" && -d "$work" ]]; then
        if [[ "${BENCH_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
            log "server logs kept in $work"
        else
            rm -rf "$work"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- tools
command -v wrk >/dev/null || { log "installing wrk (Debian)"; apt_install wrk; }
command -v curl >/dev/null || { log "installing curl (Debian)"; apt_install curl; }
command -v setsid >/dev/null || apt_install util-linux

if wants azmlinfsrv; then
    installed=$("$BENCH_VENV/bin/python" -c \
        'import importlib.metadata as m; print(m.version("azureml-inference-server-http"))' 2>/dev/null || true)
    if [[ "$installed" != "$AZMLINFSRV_VERSION" ]]; then
        log "installing azureml-inference-server-http==$AZMLINFSRV_VERSION into $BENCH_VENV (PyPI)"
        if [[ ! -x "$BENCH_VENV/bin/python" ]]; then
            mkdir -p "$(dirname "$BENCH_VENV")"
            "$BENCH_PYTHON" -m venv "$BENCH_VENV" 2>/dev/null || {
                rm -rf "$BENCH_VENV"; apt_install python3-venv; "$BENCH_PYTHON" -m venv "$BENCH_VENV"; }
        fi
        "$BENCH_VENV/bin/pip" install -q --disable-pip-version-check \
            "azureml-inference-server-http==$AZMLINFSRV_VERSION"
    fi
fi

if wants berth; then ensure_berth_bin; fi

# ---------------------------------------------------------------- the entry script and model
[[ -f "$repo/$ENTRY_FIXTURE" ]] || die "missing $ENTRY_FIXTURE"
work="$(mktemp -d /tmp/berth-bench.XXXXXX)"
mkdir -p "$work/src" "$work/model"
cp "$repo/$ENTRY_FIXTURE" "$work/src/score.py"
mkdir -p "$BENCH_RESULTS_DIR"
results="$BENCH_RESULTS_DIR/replica-vs-azmlinfsrv-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'server\tworkers\tconcurrency\trequests\tduration_us\tp50_us\tp99_us\tnon2xx\tsocket_errors\n' >"$results"

# check_score NAME BASE: one request by hand; the benchmark is worthless if it is not a 200 echo.
check_score() {
    local name=$1 base=$2 out status
    out="$work/$name.check"
    status=$(curl -s -o "$out" -m 10 -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data '{"data": [1, 2, 3]}' "$base/score" || true)
    [[ "$status" == 200 ]] && grep -q '"echo"' "$out" ||
        die "$name: POST /score answered $status: $(head -c 300 "$out" 2>/dev/null)"
    log "$name: POST /score -> 200 $(head -c 120 "$out")"
}

start_azmlinfsrv() {   # WORKERS -> sets azml_base; appends to server_pids
    local workers=$1 port logf
    port=$(free_port)
    logf="$work/azmlinfsrv-w$workers.log"
    # azmlinfsrv takes the entry script relative to its working directory and binds 0.0.0.0 (not
    # configurable); all traffic goes to 127.0.0.1. No separate health port (SEPERATE_HEALTH_ENDPOINT unset).
    # shellcheck disable=SC2086
    (cd "$work/src" && exec env -u SEPERATE_HEALTH_ENDPOINT AZUREML_MODEL_DIR="$work/model" \
        setsid "$BENCH_VENV/bin/azmlinfsrv" --entry_script score.py --port "$port" \
        --worker_count "$workers" $AZMLINFSRV_ARGS) >"$logf" 2>&1 &
    local pid=$!
    server_pids+=("$pid")
    azml_base="http://127.0.0.1:$port"
    wait_ready azmlinfsrv "$pid" "$azml_base/" "$logf"
    check_score azmlinfsrv "$azml_base"
}

start_berth() {   # WORKERS -> sets berth_base; appends to server_pids
    local workers=$1 out="$work/berth-w$1.stdout" logf="$work/berth-w$1.log" port="" line
    : >"$out"
    # shellcheck disable=SC2086
    BERTH_PYTHONPATH="$repo/python" setsid "$BERTH_BIN" replica --entry-script score.py \
        --source-dir "$work/src" --model-dir "$work/model" --python "$BERTH_PYTHON" \
        --workers "$workers" --port 0 --max-concurrent "$BERTH_MAX_CONCURRENT" $BERTH_ARGS \
        >"$out" 2>"$logf" &
    local pid=$!
    server_pids+=("$pid")
    # The replica prints the port it bound on one stdout line (e.g. 'Listening on http://127.0.0.1:PORT'):
    # take the first line that is a bare number or mentions 127.0.0.1 / localhost / the word port, and
    # from it the last integer once the address itself is removed.
    local deadline=$((SECONDS + BENCH_READY_TIMEOUT))
    while [[ -z "$port" ]]; do
        line=$(grep -m1 -iE '^[[:space:]]*[0-9]+[[:space:]]*$|127\.0\.0\.1|localhost|\bport\b' "$out" || true)
        if [[ -n "$line" ]]; then
            port=$(grep -oE '[0-9]+' <<<"${line//127.0.0.1/}" | tail -n1 || true)
            [[ -n "$port" ]] && ((port > 0 && port < 65536)) || die "berth: no port in its line '$line'"
            break
        fi
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logf" >&2; die "berth replica exited before printing its port"; }
        ((SECONDS < deadline)) || die "berth replica printed no port in ${BENCH_READY_TIMEOUT}s"
        sleep 0.1
    done
    berth_base="http://127.0.0.1:$port"
    wait_ready berth "$pid" "$berth_base/ready" "$logf"
    check_score berth "$berth_base"
}

# measure NAME BASE WORKERS CONC: warm-up (discarded), then the measured wrk run -> one results row.
measure() {
    local name=$1 base=$2 workers=$3 conc=$4 threads out r
    threads=$((conc < 2 ? conc : 2))
    run_wrk -t"$threads" -c"$conc" -d"${BENCH_WARMUP}s" -s "$here/post.lua" "$base/score" >/dev/null
    out="$work/wrk-$name-w$workers-c$conc.txt"
    run_wrk -t"$threads" -c"$conc" -d"${BENCH_SECONDS}s" --latency -s "$here/post.lua" "$base/score" >"$out"
    r=$(grep -m1 '^BENCH_RESULT ' "$out") || { cat "$out" >&2; die "$name: wrk printed no result"; }
    # BENCH_RESULT requests=N duration_us=N p50_us=N p99_us=N non2xx=N connect=N read=N write=N timeout=N
    local requests duration p50 p99 non2xx e_connect e_read e_write e_timeout
    read -r requests duration p50 p99 non2xx e_connect e_read e_write e_timeout < <(
        awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); printf "%s ", kv[2] } print "" }' <<<"$r")
    local sock=$((e_connect + e_read + e_write + e_timeout))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$workers" "$conc" "$requests" "$duration" \
        "$p50" "$p99" "$non2xx" "$sock" >>"$results"
    local rps
    rps=$(awk -v n="$requests" -v d="$duration" 'BEGIN { printf "%.0f", (d > 0 ? n / (d / 1e6) : 0) }')
    log "$(printf '%-10s workers=%s conc=%-2s %7s req/s  p50 %6.2f ms  p99 %6.2f ms' "$name" "$workers" "$conc" \
        "$rps" "$(awk -v v="$p50" 'BEGIN{print v/1000}')" "$(awk -v v="$p99" 'BEGIN{print v/1000}')")"
    if ((non2xx > 0 || sock > 0)); then
        log "WARNING $name workers=$workers conc=$conc: $non2xx non-2xx responses, socket errors" \
            "connect $e_connect read $e_read write $e_write timeout $e_timeout"
        grep -E 'Non-2xx|Socket errors' "$out" >&2 || true
    fi
}

# ---------------------------------------------------------------- run
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
log "wrk: $(wrk -v 2>&1 | head -n1)"
if wants azmlinfsrv; then log "azmlinfsrv: azureml-inference-server-http $AZMLINFSRV_VERSION, $("$BENCH_VENV/bin/python" --version)"; fi
if wants berth; then
    log "berth: $BERTH_BIN, workers on $("$BERTH_PYTHON" --version 2>&1), --max-concurrent $BERTH_MAX_CONCURRENT"
fi
log "load: POST /score {\"data\": [1, 2, 3]}, ${BENCH_SECONDS}s per point after a ${BENCH_WARMUP}s warm-up"

for workers in $BENCH_WORKERS; do
    # Both servers are up at once for a worker count, and the two are measured one after the other at
    # each concurrency, so drift in the machine's background load hits both alike.
    berth_base="" azml_base=""
    if wants berth; then start_berth "$workers"; fi
    if wants azmlinfsrv; then start_azmlinfsrv "$workers"; fi
    for conc in $BENCH_CONCURRENCY; do
        if [[ -n "$berth_base" ]]; then measure berth "$berth_base" "$workers" "$conc"; fi
        if [[ -n "$azml_base" ]]; then measure azmlinfsrv "$azml_base" "$workers" "$conc"; fi
    done
    for pid in "${server_pids[@]}"; do stop_pid "$pid"; done
    server_pids=()
done

echo
echo "berth replica vs azmlinfsrv $AZMLINFSRV_VERSION — echo entry script, wrk, ${BENCH_SECONDS}s per point, $(nproc) cores"
rc=0
"$BENCH_PYTHON" "$here/report.py" "$results" "$BENCH_TARGET" || rc=$?
echo "(raw results: ${results#"$repo"/})"
# Exit 2 when some run had errors (its figures are worthless). A missed target (3) is information,
# not a failure, unless BENCH_STRICT=1.
if ((rc == 3)) && [[ "${BENCH_STRICT:-0}" != 1 ]]; then rc=0; fi
exit "$rc"
