#!/usr/bin/env bash
# Runs all of Berth's tests on a fresh clone: the Python worker's (pytest) and the Swift package's
# (swift test: unit, live loopback and end-to-end tests with real `berth` processes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-python.sh
echo "==> Python worker tests"
.venv/bin/python -m pytest python/tests -q
echo "==> Swift build"
swift build --build-tests
echo "==> Swift tests"
BERTH_TEST_PYTHON="$PWD/.venv/bin/python" swift test --skip-build
