#!/usr/bin/env bash
# Makes <repo>/.venv with what the tests and the quickstart's example need (numpy, inference-schema,
# scikit-learn, joblib, pytest). Quiet and quick when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=python/requirements-test.txt
stamp=.venv/.berth-requirements
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
    exit 0
fi
echo "==> Setting up .venv (Python packages for the tests and examples)"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
