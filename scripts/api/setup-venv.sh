#!/usr/bin/env bash
# Makes <repo>/.venv-schemathesis with the pinned schemathesis (from PyPI) that
# scripts/api/schemathesis.sh runs against a real `berth server`. Quiet and quick when it is already
# there with the same pins. PYTHON picks the interpreter (default python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-schemathesis
requirements=scripts/api/requirements-schemathesis.txt
stamp=$venv/.berth-requirements
if [ -x "$venv/bin/schemathesis" ] && [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
    exit 0
fi
echo "==> Setting up $venv (schemathesis, pinned in $requirements)"
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
