#!/usr/bin/env bash
# Berth's quickstart: build, start a server if none runs, create a local cluster, train and
# register a small scikit-learn model, serve it with a replica, and score a sample with curl.
#
# Today the model is served by `berth replica` started by this script; once `berth model deploy`
# lands (issue "Deploy end to end on the local cluster") this script deploys it through the server
# and the router with a key instead.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export BERTH_HOME="${BERTH_HOME:-$HOME/.berth}"
example=examples/sklearn-diabetes

echo "==> Building berth (first build takes several minutes)"
swift build --product berth
berth="$(swift build --show-bin-path)/berth"
scripts/setup-python.sh
python="$repo/.venv/bin/python"

mkdir -p "$BERTH_HOME"
if ! "$berth" computetarget list >/dev/null 2>&1; then
    echo "==> Starting berth server in the background (log: $BERTH_HOME/server.log)"
    nohup "$berth" server --port 0 >"$BERTH_HOME/server.log" 2>&1 &
    for _ in $(seq 1 100); do
        "$berth" computetarget list >/dev/null 2>&1 && break
        sleep 0.1
    done
    "$berth" computetarget list >/dev/null || { cat "$BERTH_HOME/server.log"; exit 1; }
fi

if ! "$berth" computetarget show -n mylocal >/dev/null 2>&1; then
    echo "==> Creating local cluster 'mylocal' (FastProd, 3 × Standard_D3_v2)"
    "$berth" computetarget create local -n mylocal
fi

echo "==> Training the example model (scikit-learn Ridge on the bundled diabetes data)"
models="$BERTH_HOME/quickstart/model"
mkdir -p "$models"
"$python" "$example/train.py" "$models" >/dev/null

echo "==> Registering it as model 'diabetes'"
"$berth" model register -n diabetes -p "$models/sklearn_regression_model.pkl" --tag example=quickstart

pidfile="$BERTH_HOME/quickstart/replica.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"; sleep 1
fi
echo "==> Serving it with a replica (log: $BERTH_HOME/quickstart/replica.log)"
echo "    (berth model deploy and the keyed router are not built yet; this replica runs without auth)"
BERTH_PYTHONPATH="$repo/python" nohup "$berth" replica --entry-script score.py --source-dir "$example" \
    --model-dir "$models" --python "$python" \
    >"$BERTH_HOME/quickstart/replica.out" 2>"$BERTH_HOME/quickstart/replica.log" &
echo $! >"$pidfile"
url=""
for _ in $(seq 1 300); do
    url=$(sed -n 's/^Listening on //p' "$BERTH_HOME/quickstart/replica.out" | head -1)
    if [ -n "$url" ] && curl -sf "$url/ready" >/dev/null; then break; fi
    sleep 0.1
done
curl -sf "$url/ready" >/dev/null || { cat "$BERTH_HOME/quickstart/replica.log"; exit 1; }

echo "==> Scoring the sample request"
echo "curl -s -X POST $url/score -H 'Content-Type: application/json' -d @$example/sample-request.json"
curl -s -X POST "$url/score" -H 'Content-Type: application/json' -d @"$example/sample-request.json"
echo
echo "The replica keeps running (pid $(cat "$pidfile")); stop it with: kill $(cat "$pidfile")"
