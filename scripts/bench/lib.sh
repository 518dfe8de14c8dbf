# shellcheck shell=bash
# What the benchmark scripts share: logging, installing Debian tools, finding or building the
# `berth` binary, stopping what they started, and waiting for servers. Source it after setting
# `here` and `repo`; it defines functions only (and `apt_updated`).
# shellcheck disable=SC2317,SC2154  # functions reached only through traps; `repo` is the caller's

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
# apt_install PACKAGE...: installs Debian packages quietly, updating the index once per run.
apt_install() {
    if ((apt_updated == 0)); then as_root apt-get update -qq; apt_updated=1; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# build_release_product NAME: builds `.build/release/NAME` (swift build -c release) unless it is there.
build_release_product() {
    if [[ ! -x "$repo/.build/release/$1" ]]; then
        log "building $1 (swift build -c release --product $1; the first build takes several minutes)"
        (cd "$repo" && swift build -c release --product "$1" >&2)
    fi
}

# ensure_berth_bin: sets BERTH_BIN to an absolute path of an executable `berth`, building the
# release binary when BERTH_BIN is unset and the repository has none yet.
ensure_berth_bin() {
    if [[ -z "${BERTH_BIN:-}" ]]; then
        build_release_product berth
        BERTH_BIN="$repo/.build/release/berth"
    fi
    [[ -x "$BERTH_BIN" ]] || die "BERTH_BIN=$BERTH_BIN is not an executable"
    BERTH_BIN="$(cd "$(dirname "$BERTH_BIN")" && pwd)/$(basename "$BERTH_BIN")"
}

# ensure_bare_proxy_bin: sets BARE_PROXY_BIN to the release `bare-nio-proxy` (the router
# benchmark's SwiftNIO floor), building it when BARE_PROXY_BIN is unset and it is missing.
ensure_bare_proxy_bin() {
    if [[ -z "${BARE_PROXY_BIN:-}" ]]; then
        build_release_product bare-nio-proxy
        BARE_PROXY_BIN="$repo/.build/release/bare-nio-proxy"
    fi
    [[ -x "$BARE_PROXY_BIN" ]] || die "BARE_PROXY_BIN=$BARE_PROXY_BIN is not an executable"
}

# stop_pid PID: SIGTERM to the process group PID leads (each server runs under setsid), then to
# PID itself; SIGKILL after 10 s.
stop_pid() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# free_port: a TCP port nobody listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# status_of URL [curl args...]: prints the HTTP status (000 when nothing answered).
status_of() { local url=$1; shift; curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" "$url" || true; }

# wait_ready NAME PID URL LOG [TIMEOUT]: polls URL until it answers 200; fails if the process exits
# or TIMEOUT (default BENCH_READY_TIMEOUT, else 120) seconds pass.
wait_ready() {
    local name=$1 pid=$2 url=$3 logf=$4 deadline=$((SECONDS + ${5:-${BENCH_READY_TIMEOUT:-120}}))
    while :; do
        [[ "$(status_of "$url")" == 200 ]] && return 0
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logf" >&2; die "$name exited before it was ready"; }
        ((SECONDS < deadline)) || { tail -n 30 "$logf" >&2; die "$name not ready at $url after ${BENCH_READY_TIMEOUT:-120}s"; }
        sleep 0.2
    done
}

wrk_pid=""
# run_wrk ARGS...: wrk in the background and `wait` for it, so a signal reaches the traps at once.
run_wrk() {
    wrk "$@" &
    wrk_pid=$!
    wait "$wrk_pid"
    wrk_pid=""
}
