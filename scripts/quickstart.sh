#!/usr/bin/env bash
# Berth's quickstart: build, start a server if none runs, create a local cluster, train and
# register a small scikit-learn model, deploy it with its inferenceconfig.json and
# deploymentconfig.json, and score a sample with the service's key. The service keeps running.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export BERTH_HOME="${BERTH_HOME:-$HOME/.berth}"
example=examples/sklearn-diabetes

# BERTH_BUILD_CONFIGURATION=release runs the optimized build; BERTH_BIN=PATH runs that berth instead
# of building one.
berth="$(scripts/berth-executable.sh)"
scripts/setup-python.sh
python="$repo/.venv/bin/python"

mkdir -p "$BERTH_HOME"
if ! "$berth" computetarget list >/dev/null 2>&1; then
    echo "==> Starting berth server in the background (log: $BERTH_HOME/server.log)"
    nohup "$berth" server >"$BERTH_HOME/server.log" 2>&1 &
    for _ in $(seq 1 200); do
        "$berth" computetarget list >/dev/null 2>&1 && break
        sleep 0.1
    done
    "$berth" computetarget list >/dev/null || { cat "$BERTH_HOME/server.log"; exit 1; }
fi

if ! "$berth" computetarget show -n mylocal >/dev/null 2>&1; then
    echo "==> Creating local cluster 'mylocal' (FastProd, 3 × Standard_D3_v2 declared)"
    "$berth" computetarget create local -n mylocal
fi

echo "==> Training the example model (scikit-learn Ridge on the bundled diabetes data)"
models="$BERTH_HOME/quickstart/model"
mkdir -p "$models"
"$python" "$example/train.py" "$models" >/dev/null

echo "==> Registering it as model 'diabetes'"
version=$("$berth" model register -n diabetes -p "$models/sklearn_regression_model.pkl" --tag example=quickstart -o json |
    "$python" -c 'import json, sys; print(json.load(sys.stdin)["version"])')
echo "    diabetes:$version"

echo "==> Deploying it as service 'diabetes-svc' (the first deploy builds its environment with pip)"
"$berth" model deploy -n diabetes-svc -m "diabetes:$version" --ic "$example/inferenceconfig.json" \
    --dc "$example/deploymentconfig.json" --ct mylocal --overwrite

uri=$("$berth" service show -n diabetes-svc -o json | "$python" -c 'import json, sys; print(json.load(sys.stdin)["scoringUri"])')
key=$("$berth" service get-keys -n diabetes-svc -o json | "$python" -c 'import json, sys; print(json.load(sys.stdin)["primaryKey"])')
echo "==> Scoring the sample request"
echo "curl -s -X POST $uri -H 'Content-Type: application/json' -H \"Authorization: Bearer \$(berth service get-keys -n diabetes-svc -o json | jq -r .primaryKey)\" -d @$example/sample-request.json"
curl -sf -X POST "$uri" -H 'Content-Type: application/json' -H "Authorization: Bearer $key" \
    -d @"$example/sample-request.json"
echo
echo "The service keeps running. 'berth service list' shows it; 'berth service delete -n diabetes-svc' removes it."
