#!/usr/bin/env bash
# Benchmark: what the Berth router adds in front of a replica, against nginx as a reverse proxy.
#  (a) one trivial HTTP backend, driven by the same wrk at fixed concurrency three ways: directly,
#      through nginx (keep-alive upstream pool) and through `berth router` (static route table);
#      prints req/s, p50 and p99 of each, the ratio berth/nginx and the p50 each proxy adds.
#  (b) the `echo` fixture deployed with the CLI on a real `berth server`, driven end to end through
#      its router with the service key.
# Part (a) also runs a second router with `--metrics off` in the same rounds and prints the
# throughput ratio metrics-on / metrics-off (the cost of the router's Prometheus metrics);
# BENCH_METRICS_COST=0 leaves it out.
# With BENCH_TRACING_COST=1, part (a) also runs a router exporting traces over OTLP/HTTP (a span per
# request, to the backend nginx's `/v1/traces`, which discards them) in the same rounds and prints
# the throughput ratio tracing-on / tracing-off (the cost of the router's request spans).
# With BENCH_TLS=1, part (a) runs nginx and the router both terminating TLS with the same
# certificate (the backend stays plain HTTP) and adds handshake rounds: every request on a new
# connection (`Connection: close`), so req/s there is handshakes/s. Part (b) and the bare SwiftNIO
# proxy are skipped then.
# Not a test: run it by hand, from a clean clone. See scripts/bench/README.md for the knobs.
#
# The backend is a second nginx answering `return 200` from one worker process: C, event-driven and
# allocation-free per request, so it is the cheapest HTTP/1.1 server Debian ships and the same for
# all three paths; a Python or Swift toy server would be slower than either proxy and hide the cost
# being measured.
# shellcheck disable=SC2317  # functions reached only through traps
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
# shellcheck source=scripts/bench/lib.sh
source "$here/lib.sh"

BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-32}"
BENCH_LATENCY_CONNECTIONS="${BENCH_LATENCY_CONNECTIONS:-1}"
BENCH_THREADS="${BENCH_THREADS:-2}"
BENCH_SECONDS="${BENCH_SECONDS:-5}"
BENCH_ROUNDS="${BENCH_ROUNDS:-3}"
BENCH_WARMUP="${BENCH_WARMUP:-2}"
BENCH_TLS="${BENCH_TLS:-0}"
BENCH_METRICS_COST="${BENCH_METRICS_COST:-1}"
BENCH_TRACING_COST="${BENCH_TRACING_COST:-0}"
if [[ "$BENCH_TLS" == 1 ]]; then BENCH_PARTS="${BENCH_PARTS:-a}"; else BENCH_PARTS="${BENCH_PARTS:-a b}"; fi
BENCH_ECHO_CONNECTIONS="${BENCH_ECHO_CONNECTIONS:-8}"
BENCH_PROXY_WORKERS="${BENCH_PROXY_WORKERS:-$(nproc)}"
BENCH_RESULTS_DIR="${BENCH_RESULTS_DIR:-$repo/.build-bench/results}"
BENCH_READY_TIMEOUT="${BENCH_READY_TIMEOUT:-120}"
BERTH_BIN="${BERTH_BIN:-}"
NGINX_BIN="${NGINX_BIN:-}"

wants() { [[ " $BENCH_PARTS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- cleanup: stop all we started
work=""
pids=()
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]}"; done
    if [[ -n "$work" && -d "$work" ]]; then
        if [[ "${BENCH_KEEP:-0}" == 1 || $rc -ne 0 ]]; then log "logs kept in $work"; else rm -rf "$work"; fi
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
if [[ -z "$NGINX_BIN" ]]; then
    NGINX_BIN="$(command -v nginx || true)"
    [[ -n "$NGINX_BIN" ]] || [[ ! -x /usr/sbin/nginx ]] || NGINX_BIN=/usr/sbin/nginx
    if [[ -z "$NGINX_BIN" ]]; then log "installing nginx (Debian)"; apt_install nginx; NGINX_BIN=/usr/sbin/nginx; fi
fi
ensure_berth_bin
if wants a && [[ "$BENCH_TLS" != 1 ]]; then ensure_bare_proxy_bin; fi
command -v openssl >/dev/null || [[ "$BENCH_TLS" != 1 ]] || apt_install openssl

work="$(mktemp -d /tmp/berth-router-bench.XXXXXX)"
mkdir -p "$BENCH_RESULTS_DIR"
results="$BENCH_RESULTS_DIR/router-vs-nginx$([[ "$BENCH_TLS" == 1 ]] && echo -tls)-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'path\tconnections\trequests\tduration_us\tp50_us\tp99_us\tnon2xx\tsocket_errors\tcpu_us_per_request\n' >"$results"

wait_status() {   # NAME PID URL: poll until 200
    local name=$1 pid=$2 url=$3 deadline=$((SECONDS + BENCH_READY_TIMEOUT))
    until [[ "$(status_of "$url" -k -X POST -d '{}')" == 200 ]]; do
        kill -0 "$pid" 2>/dev/null || die "$name exited before it answered (logs in $work)"
        ((SECONDS < deadline)) || die "$name did not answer 200 at $url in ${BENCH_READY_TIMEOUT}s"
        sleep 0.1
    done
}

start_nginx() {   # NAME CONFIG-BODY -> pid appended
    local name=$1 conf="$work/$1.conf"
    mkdir -p "$work/$name"
    cat >"$conf"
    setsid "$NGINX_BIN" -p "$work/$name" -c "$conf" -e "$work/$name/error.log" -g 'daemon off;' \
        >"$work/$name.out" 2>&1 &
    pids+=("$!")
}

# cpu_ticks PID: the process's user + system CPU time so far, in clock ticks (/proc/PID/stat).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# measure LABEL URL CONNECTIONS [wrk args]: warm-up, then one measured run; one TSV row. With
# measure_pid set, the row also has that process's CPU time per request during the measured run.
measure_pid=""
measure() {
    local label=$1 url=$2 connections=$3 line before="" cpu=""; shift 3
    local threads=$((connections < BENCH_THREADS ? connections : BENCH_THREADS))
    wrk -t"$threads" -c"$connections" -d"${BENCH_WARMUP}s" -s "$here/post.lua" "$@" "$url" >/dev/null
    [[ -z "$measure_pid" ]] || before=$(cpu_ticks "$measure_pid")
    line=$(wrk -t"$threads" -c"$connections" -d"${BENCH_SECONDS}s" --latency -s "$here/post.lua" "$@" "$url" |
        grep '^BENCH_RESULT') || die "$label: wrk printed no result"
    # shellcheck disable=SC2046
    local $(sed 's/^BENCH_RESULT //' <<<"$line")
    if [[ -n "$measure_pid" ]]; then
        cpu=$(awk -v t="$(($(cpu_ticks "$measure_pid") - before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
            'BEGIN { printf "%.2f", t * 1e6 / hz / n }')
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$connections" "$requests" "$duration_us" "$p50_us" \
        "$p99_us" "$non2xx" "$((connect + read + write + timeout))" "$cpu" | tee -a "$results" >/dev/null
    log "$label: $requests requests in ${duration_us}us, p50 ${p50_us}us, p99 ${p99_us}us, non-2xx $non2xx"
}

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), berth $BERTH_BIN, nginx $("$NGINX_BIN" -v 2>&1 | sed 's/.*: //')"

# ---------------------------------------------------------------- (a) direct / nginx / berth router
scheme=http proxy_tls="" router_tls=()
if [[ "$BENCH_TLS" == 1 ]]; then
    # One P-256 certificate for both proxies, so the handshake costs the same work on each side.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
    chmod 600 "$work/key.pem"
    scheme=https
    proxy_tls="ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem; ssl_protocols TLSv1.2 TLSv1.3;"
    router_tls=(--ssl-cert-pem-file "$work/cert.pem" --ssl-key-pem-file "$work/key.pem")
fi
if wants a; then
    backend_port=$(free_port)
    start_nginx backend <<EOF
worker_processes 1;
pid $work/backend/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $work/backend;
    server {
        listen 127.0.0.1:$backend_port backlog=4096;
        location / { client_body_buffer_size 64k; default_type application/json; return 200 '{"ok": true}'; }
        # A trace sink for the traced router (BENCH_TRACING_COST): an empty ExportTraceServiceResponse.
        location /v1/traces { client_body_buffer_size 1m; default_type application/x-protobuf; return 200 ''; }
    }
}
EOF
    wait_status backend "${pids[-1]}" "http://127.0.0.1:$backend_port/score"

    proxy_port=$(free_port)
    start_nginx proxy <<EOF
worker_processes $BENCH_PROXY_WORKERS;
pid $work/proxy/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $work/proxy;
    proxy_temp_path $work/proxy;
    upstream replica { server 127.0.0.1:$backend_port; keepalive 256; }
    server {
        listen 127.0.0.1:$proxy_port $([[ "$BENCH_TLS" == 1 ]] && echo ssl) backlog=4096;
        $proxy_tls
        location /api/v1/service/bench/score {
            proxy_pass http://replica/score;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
    wait_status nginx "${pids[-1]}" "$scheme://127.0.0.1:$proxy_port/api/v1/service/bench/score"

    measure direct "http://127.0.0.1:$backend_port/score" "$BENCH_CONNECTIONS"

    # Started after the direct run: idle for long, it would lower its threads (self-scaling). Idle
    # for one nginx round (warm-up + run, under the 10 low-CPU seconds it takes) it keeps them.
    cat >"$work/routes.json" <<EOF
{"generation": 1, "services": {"bench": {"name": "bench", "authEnabled": false, "keyDigests": [],
 "scoringTimeoutMs": 60000, "maxQueueWaitMs": 5000, "maxConcurrentRequestsPerContainer": 100000,
 "replicas": [{"id": "bench-0", "host": "127.0.0.1", "port": $backend_port}]}}}
EOF
    router_port=$(free_port)
    # shellcheck disable=SC2086  # BENCH_ROUTER_ARGS is a list of arguments
    setsid "$BERTH_BIN" router --routes "$work/routes.json" --port "$router_port" --log-level info \
        "${router_tls[@]}" ${BENCH_ROUTER_ARGS:-} >"$work/router.out" 2>"$work/router.log" &
    pids+=("$!")
    router_pid="${pids[-1]}"
    wait_status "berth router" "${pids[-1]}" "$scheme://127.0.0.1:$router_port/api/v1/service/bench/score"
    nginx_url="$scheme://127.0.0.1:$proxy_port/api/v1/service/bench/score"
    berth_url="$scheme://127.0.0.1:$router_port/api/v1/service/bench/score"
    if [[ "$BENCH_METRICS_COST" == 1 ]]; then
        # The same router without metrics, measured in the same rounds (router-report.py's
        # metrics-on / metrics-off ratio).
        plain_port=$(free_port)
        # shellcheck disable=SC2086
        setsid "$BERTH_BIN" router --routes "$work/routes.json" --port "$plain_port" --log-level info --metrics off \
            "${router_tls[@]}" ${BENCH_ROUTER_ARGS:-} >"$work/router-plain.out" 2>"$work/router-plain.log" &
        pids+=("$!")
        plain_pid="${pids[-1]}"
        wait_status "berth router --metrics off" "${pids[-1]}" "$scheme://127.0.0.1:$plain_port/api/v1/service/bench/score"
        plain_url="$scheme://127.0.0.1:$plain_port/api/v1/service/bench/score"
    fi
    if [[ "$BENCH_TRACING_COST" == 1 ]]; then
        # The same router exporting a span per request, measured in the same rounds
        # (router-report.py's tracing-on / tracing-off ratio).
        traced_port=$(free_port)
        # shellcheck disable=SC2086
        OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$backend_port" setsid "$BERTH_BIN" router \
            --routes "$work/routes.json" --port "$traced_port" --log-level info \
            "${router_tls[@]}" ${BENCH_ROUTER_ARGS:-} >"$work/router-traced.out" 2>"$work/router-traced.log" &
        pids+=("$!")
        traced_pid="${pids[-1]}"
        wait_status "berth router (traced)" "${pids[-1]}" "$scheme://127.0.0.1:$traced_port/api/v1/service/bench/score"
        traced_url="$scheme://127.0.0.1:$traced_port/api/v1/service/bench/score"
    fi

    # nginx and the router in alternating rounds, each run after its own warm-up at the same load:
    # other work on this shared machine that slows one run then skews one round's ratio, not the
    # verdict, which is judged on the median of the rounds' ratios.
    for ((round = 1; round <= BENCH_ROUNDS; round++)); do
        measure "nginx#$round" "$nginx_url" "$BENCH_CONNECTIONS"
        # Metered and unmetered routers in turn, the first of the two swapped every round.
        if [[ "$BENCH_METRICS_COST" == 1 ]] && ((round % 2 == 0)); then
            measure_pid=$plain_pid measure "berth-nometrics#$round" "$plain_url" "$BENCH_CONNECTIONS"
        fi
        measure_pid=$router_pid measure "berth#$round" "$berth_url" "$BENCH_CONNECTIONS"
        if [[ "$BENCH_METRICS_COST" == 1 ]] && ((round % 2 == 1)); then
            measure_pid=$plain_pid measure "berth-nometrics#$round" "$plain_url" "$BENCH_CONNECTIONS"
        fi
        if [[ "$BENCH_TRACING_COST" == 1 ]]; then
            measure_pid=$traced_pid measure "berth-traced#$round" "$traced_url" "$BENCH_CONNECTIONS"
        fi
        if [[ "$BENCH_TLS" == 1 ]]; then
            measure "handshakes-nginx#$round" "$nginx_url" "$BENCH_CONNECTIONS" -H "Connection: close"
            measure "handshakes-berth#$round" "$berth_url" "$BENCH_CONNECTIONS" -H "Connection: close"
        fi
    done
    log "router self-scaling decisions during the rounds: $(grep -c 'threads.to' "$work/router.log" || true)"
    if [[ "$BENCH_METRICS_COST" == 1 ]]; then
        scraped=$(curl -sk "$scheme://127.0.0.1:$router_port/metrics" | grep -c '^berth_router_requests_total' || true)
        log "the metered router's /metrics: $scraped berth_router_requests_total series"
    fi

    # SwiftNIO's floor: the same HTTP/1.1 codec and pipeline with none of the router's own work.
    if [[ "$BENCH_TLS" != 1 ]]; then
        bare_port=$(free_port)
        setsid "$BARE_PROXY_BIN" "$bare_port" "$backend_port" >"$work/bare.out" 2>&1 &
        pids+=("$!")
        wait_status "bare-nio-proxy" "${pids[-1]}" "http://127.0.0.1:$bare_port/api/v1/service/bench/score"
        measure nio-bare "http://127.0.0.1:$bare_port/api/v1/service/bench/score" "$BENCH_CONNECTIONS"
    fi

    # The latency a hop adds, unloaded: at saturation every path's p50 is about connections ÷
    # throughput (Little's law), so there the added p50 measures throughput again, not the hop.
    if ((BENCH_LATENCY_CONNECTIONS > 0)); then
        measure "direct@$BENCH_LATENCY_CONNECTIONS" "http://127.0.0.1:$backend_port/score" "$BENCH_LATENCY_CONNECTIONS"
        measure "nginx@$BENCH_LATENCY_CONNECTIONS" "$nginx_url" "$BENCH_LATENCY_CONNECTIONS"
        measure "berth@$BENCH_LATENCY_CONNECTIONS" "$berth_url" "$BENCH_LATENCY_CONNECTIONS"
    fi
fi

# ---------------------------------------------------------------- (b) echo deployed on berth server
if wants b; then
    home="$work/home"
    mkdir -p "$home" "$work/model"
    echo "a tiny model" >"$work/model/model.txt"
    api_port=$(free_port); scoring_port=$(free_port)
    BERTH_PYTHONPATH="$repo/python" setsid "$BERTH_BIN" server --home "$home" --port "$api_port" \
        --router-port "$scoring_port" --log-level warning >"$work/server.log" 2>&1 &
    pids+=("$!")
    export BERTH_HOME="$home"
    for _ in $(seq 300); do "$BERTH_BIN" computetarget list >/dev/null 2>&1 && break; sleep 0.1; done
    "$BERTH_BIN" computetarget create local -n benchlocal --cluster-purpose DevTest >/dev/null
    "$BERTH_BIN" model register -n echo-model -p "$work/model/model.txt" >/dev/null
    # One replica with room for every wrk connection, so the figures are the router + replica, not queueing.
    cat >"$work/deploymentconfig.json" <<EOF
{"computeType": "aks", "containerResourceRequirements": {"cpu": 0.5, "memoryInGB": 0.5}, "numReplicas": 1,
 "maxConcurrentRequestsPerContainer": $((BENCH_ECHO_CONNECTIONS * 2)), "maxQueueWaitMs": 5000}
EOF
    log "deploying the echo fixture (the first deploy builds its environment)"
    "$BERTH_BIN" model deploy -n echo-bench -m echo-model:1 \
        --ic "$repo/Tests/Fixtures/corpus/echo/inferenceconfig.json" --dc "$work/deploymentconfig.json" \
        --ct benchlocal --overwrite >"$work/deploy.log" 2>&1 || { cat "$work/deploy.log" >&2; die "deploy failed"; }
    uri=$("$BERTH_BIN" service show -n echo-bench -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["scoringUri"])')
    key=$("$BERTH_BIN" service get-keys -n echo-bench -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["primaryKey"])')
    [[ "$(status_of "$uri" -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
        -d '{"data": [1, 2, 3]}')" == 200 ]] || die "echo-bench did not answer 200 at $uri"
    measure echo-e2e "$uri" "$BENCH_ECHO_CONNECTIONS" -H "Authorization: Bearer $key"
fi

python3 "$here/router-report.py" "$results"
log "raw rows: $results"
if awk -F'\t' 'NR > 1 && ($7 != 0 || $8 != 0) { bad = 1 } END { exit !bad }' "$results"; then
    log "some run had non-2xx responses or socket errors"
    exit 2
fi
