#!/usr/bin/env bash
# Holds the control plane to its contract: starts a real `berth server` on 127.0.0.1 (ports the OS
# picks, a temporary BERTH_HOME, HOME and XDG_CACHE_HOME, so nothing of this machine's workspaces or
# environment caches is touched), runs schemathesis over every operation of the /openapi.json it
# serves — all phases (examples, coverage, fuzzing, stateful) and all checks — with the workspace's
# admin token, then stops the server. Exits non-zero on any failure.
#
#   scripts/api/schemathesis.sh [extra schemathesis arguments…]
#
# BERTH_BIN: the berth executable (default: swift build's, built first when missing).
# BERTH_SCHEMATHESIS_MAX_EXAMPLES: cases per operation and phase (default 50; under a minute on 2 cores).
# BERTH_SCHEMATHESIS_SEED: the generation seed (default 1, so a run is reproducible; "random" for none).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/api/setup-venv.sh
venv=.venv-schemathesis

berth="${BERTH_BIN:-}"
if [ -z "$berth" ]; then
    berth="$(swift build --show-bin-path)/berth"
    [ -x "$berth" ] || swift build --product berth
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/berth-schemathesis.XXXXXX")"
home="$work/home"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "${status:-1}" -eq 0 ]; then rm -rf "$work"; else echo "Server log and reports kept in $work" >&2; fi
}
trap cleanup EXIT

mkdir -p "$work/cache"
HOME="$work" XDG_CACHE_HOME="$work/cache" BERTH_HOME="$home" \
    "$berth" server --home "$home" --admin-port 0 --router-port 0 >"$work/server.log" 2>&1 &
server_pid=$!

# The server writes server.json (with its pid and URL) once it listens.
url=""
for _ in $(seq 1 600); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "berth server exited before listening:" >&2
        cat "$work/server.log" >&2
        exit 1
    fi
    url="$("$venv/bin/python" - "$home/server.json" "$server_pid" <<'PY' 2>/dev/null || true
import json, sys
info = json.load(open(sys.argv[1]))
if info.get("pid") == int(sys.argv[2]):
    print(info["controlPlaneURL"])
PY
)"
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "berth server did not write server.json within 60 s" >&2; exit 1; }
token="$(tr -d '[:space:]' <"$home/admin-token")"

seed="${BERTH_SCHEMATHESIS_SEED:-1}"
seed_arguments=()
[ "$seed" = "random" ] || seed_arguments=(--seed "$seed")

echo "==> schemathesis against $url/openapi.json"
status=0
# Run from the temporary folder: schemathesis keeps a .schemathesis/ cache in its working directory.
repo="$PWD"
# The hooks teach schemathesis the one media type it has no serializer for (application/x-ndjson).
(cd "$work" && SCHEMATHESIS_HOOKS="$repo/scripts/api/schemathesis_hooks.py" "$repo/$venv/bin/schemathesis" --config-file "$repo/scripts/api/schemathesis.toml" run "$url/openapi.json" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "${BERTH_SCHEMATHESIS_MAX_EXAMPLES:-50}" \
    "${seed_arguments[@]}" \
    --workers 2 \
    --generation-database none \
    --header "Authorization: Bearer $token" \
    --output-sanitize true \
    --report junit --report-dir "$work/report" \
    "$@") || status=$?

# Every fuzzed request must leave the server up.
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "berth server died during the run:" >&2
    tail -50 "$work/server.log" >&2
    status=1
fi
exit "$status"
