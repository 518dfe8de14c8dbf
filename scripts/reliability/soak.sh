#!/usr/bin/env bash
# Soak: SOAK_REQUESTS (default 1,000,000) requests through `berth router` (static route table) in
# front of an nginx backend at a steady load (wrk, fixed connections), then prints the request
# count, the errors and the router's resident memory after the warm-up and at the end; it fails
# when any request failed or the memory grew more than 10 %. With SOAK_TLS=1 the router serves TLS.
# Not a test: run it by hand (scripts/reliability/README.md); figures go to docs/reliability.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bench="$repo/scripts/bench"
# shellcheck source=scripts/bench/lib.sh
source "$bench/lib.sh"

SOAK_REQUESTS="${SOAK_REQUESTS:-1000000}"
SOAK_CONNECTIONS="${SOAK_CONNECTIONS:-16}"
SOAK_WARMUP="${SOAK_WARMUP:-10}"
SOAK_TLS="${SOAK_TLS:-0}"
BERTH_BIN="${BERTH_BIN:-}"

work="$(mktemp -d /tmp/berth-soak.XXXXXX)"
pids=()
cleanup() {
    local rc=$?
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]}"; done
    if [[ $rc -eq 0 ]]; then rm -rf "$work"; else log "logs kept in $work"; fi
    exit "$rc"
}
trap cleanup EXIT

command -v wrk >/dev/null || apt_install wrk
command -v curl >/dev/null || apt_install curl
NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$NGINX_BIN" ]] || { apt_install nginx; NGINX_BIN=/usr/sbin/nginx; }
ensure_berth_bin

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

backend_port=$(free_port)
mkdir -p "$work/backend"
cat >"$work/backend.conf" <<CONF
worker_processes 1;
pid $work/backend/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 100000000;
    client_body_temp_path $work/backend;
    server { listen 127.0.0.1:$backend_port; location / { default_type application/json; return 200 '{"ok": true}'; } }
}
CONF
setsid "$NGINX_BIN" -p "$work/backend" -c "$work/backend.conf" -e "$work/backend/error.log" -g 'daemon off;' \
    >"$work/backend.out" 2>&1 &
pids+=("$!")
wait_ready backend "${pids[-1]}" "http://127.0.0.1:$backend_port/score" "$work/backend/error.log"

cat >"$work/routes.json" <<JSON
{"generation": 1, "services": {"soak": {"name": "soak", "authEnabled": true,
 "keyDigests": ["$(printf soak-key | sha256sum | cut -d' ' -f1)"], "scoringTimeoutMs": 60000,
 "maxQueueWaitMs": 5000, "maxConcurrentRequestsPerContainer": 100000,
 "replicas": [{"id": "soak-0", "host": "127.0.0.1", "port": $backend_port}]}}}
JSON
router_port=$(free_port)
tls_args=() scheme=http curl_tls=()
if [[ "$SOAK_TLS" == 1 ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
    chmod 600 "$work/key.pem"
    tls_args=(--ssl-cert-pem-file "$work/cert.pem" --ssl-key-pem-file "$work/key.pem")
    scheme=https curl_tls=(-k)
fi
setsid "$BERTH_BIN" router --routes "$work/routes.json" --port "$router_port" --log-level warning "${tls_args[@]}" \
    >"$work/router.out" 2>"$work/router.log" &
router_pid=$!
pids+=("$router_pid")
url="$scheme://127.0.0.1:$router_port/api/v1/service/soak/score"
for _ in $(seq 300); do
    [[ "$(status_of "$url" "${curl_tls[@]}" -X POST -H 'Authorization: Bearer soak-key' -d '{}')" == 200 ]] && break
    sleep 0.1
done

cat >"$work/soak.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"data": [1, 2, 3]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer soak-key"
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SOAK requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
LUA
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); berth $BERTH_BIN; tls $SOAK_TLS"
warm=$(wrk -t2 -c"$SOAK_CONNECTIONS" -d"${SOAK_WARMUP}s" -s "$work/soak.lua" "$url" | grep '^SOAK')
# shellcheck disable=SC2046
eval $(sed 's/^SOAK //' <<<"$warm" | sed 's/ /; /g')
rate=$((requests * 1000000 / duration_us))
rss_warm=$(rss_kb "$router_pid")
# With half again as long as the warm-up rate says, so a slower stretch still reaches SOAK_REQUESTS.
seconds=$(((SOAK_REQUESTS * 3 / 2 + rate - 1) / rate + 1))
log "warm-up: $requests requests at $rate req/s; router RSS ${rss_warm} KiB; soaking for ${seconds}s"
result=$(wrk -t2 -c"$SOAK_CONNECTIONS" -d"${seconds}s" --latency -s "$work/soak.lua" "$url" | grep '^SOAK')
# shellcheck disable=SC2046
eval $(sed 's/^SOAK //' <<<"$result" | sed 's/ /; /g')
rss_end=$(rss_kb "$router_pid")
growth=$(python3 -c "print(f'{($rss_end - $rss_warm) / $rss_warm * 100:+.1f}')")
echo "requests: $requests in $((duration_us / 1000000)) s ($((requests * 1000000 / duration_us)) req/s), p50 ${p50_us} us, p99 ${p99_us} us"
echo "errors: non-2xx $non2xx, socket errors $socket_errors"
echo "router RSS: ${rss_warm} KiB after warm-up, ${rss_end} KiB at the end (${growth} %)"
ok=1
((requests >= SOAK_REQUESTS)) || { echo "fewer requests than SOAK_REQUESTS ($SOAK_REQUESTS)"; ok=0; }
((non2xx == 0 && socket_errors == 0)) || ok=0
python3 -c "import sys; sys.exit(0 if $rss_end <= $rss_warm * 1.10 else 1)" || ok=0
if ((ok)); then echo "verdict: PASS"; else echo "verdict: FAIL"; exit 2; fi
