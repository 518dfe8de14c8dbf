#!/usr/bin/env bash
# Runs a command with the unmodified azureml-core pointed at a real `berth server`: builds berth if
# needed, starts the server on a temporary workspace with OS-chosen ports, exports what
# `berth sdk env` prints, writes `berth sdk config` into $BERTH_AZURE_SDK_WORKSPACE_DIR, runs the
# command (`python` in it is the suite's venv, `berth` the built CLI), and always stops the server.
# BERTH_BUILD_CONFIGURATION=release uses the optimized build, BERTH_BIN=PATH that berth without
# building; BERTH_AZURE_SDK_KEEP=1 keeps the temporary folder (workspace, server log). Exit status:
# the command's, or 1 when the harness fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

berth="$(scripts/berth-executable.sh)"
scripts/azure-sdk/setup-venv.sh
python="$repo/.venv-azure-sdk/bin/python"

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-azure-sdk.XXXXXX")
export BERTH_HOME="$work/home"
server_pid=""

stop_server() {
    [ -n "$server_pid" ] || return 0
    if kill -0 "$server_pid" 2>/dev/null; then
        echo "==> Stopping berth server (pid $server_pid)"
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
finish() {
    local status=$?
    stop_server
    if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then
        echo "==> Last lines of the server log ($work/server.log):"
        tail -n 30 "$work/server.log"
    fi
    if [ "${BERTH_AZURE_SDK_KEEP:-0}" = 1 ]; then echo "==> Kept $work"; else rm -rf "$work"; fi
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> Starting berth server on a temporary workspace ($BERTH_HOME)"
"$berth" server --home "$BERTH_HOME" --admin-port 0 --router-port 0 >"$work/server.log" 2>&1 &
server_pid=$!
# server.json appears once the control plane listens; it must name this server, not another one.
server_json_pid() {
    "$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid"])' "$BERTH_HOME/server.json" 2>/dev/null
}
for _ in $(seq 1 1200); do
    [ "$(server_json_pid)" = "$server_pid" ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "error: berth server exited before listening" >&2; exit 1; }
    sleep 0.1
done
[ "$(server_json_pid)" = "$server_pid" ] || { echo "error: berth server did not write server.json within 2 minutes" >&2; exit 1; }

echo "==> Pointing the SDK at it: eval \"\$(berth sdk env)\", berth sdk config"
sdk_env=$("$berth" sdk env)
eval "$sdk_env"
project="$work/project"
"$berth" sdk config -p "$project"
export BERTH_AZURE_SDK_WORKSPACE_DIR="$project"
# The SDK caches cloud metadata and service discovery under the home folder; each run gets its own.
export HOME="$work/python-home"
unset AZURE_CONFIG_DIR
mkdir -p "$HOME"

export PATH="$repo/.venv-azure-sdk/bin:$(dirname "$berth"):$PATH"
status=0
"$@" || status=$?
exit "$status"
