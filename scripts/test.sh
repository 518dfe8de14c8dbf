#!/usr/bin/env bash
# Runs all of Berth's tests on a fresh clone: the Python worker's (pytest), the Swift package's
# (swift test: unit, live loopback and end-to-end tests with real `berth` processes), and the
# Azure ML SDK compatibility suite (the unmodified azureml-core against a real `berth server`).
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's heading says how long the run has taken so far, so a slow step shows in CI's log.
step() { echo "==> $* (at $((SECONDS / 60)) min $((SECONDS % 60)) s)"; }
# BERTH_BUILD_CONFIGURATION=release builds and tests the optimized build (with testable imports),
# as CI does: one build serves the tests, the SDK suite and the quickstart after them.
configuration="${BERTH_BUILD_CONFIGURATION:-debug}"
export BERTH_BUILD_CONFIGURATION="$configuration"
# Optimized builds too check that every request and answer converted to or from the types generated
# from openapi/berth.json kept all its fields (debug builds always do).
export BERTH_CHECK_CONVERSIONS=1
# `swift build --build-tests` compiles for `@testable import` only in debug; `swift test --skip-build`
# then runs what it built.
testable=()
[ "$configuration" = debug ] || testable=(-Xswiftc -enable-testing)
scripts/setup-python.sh
step "Python worker tests"
.venv/bin/python -m pytest python/tests -q
step "Target dependencies: each target declares exactly what its files import"
scripts/check-target-dependencies.py
step "Swift build ($configuration)"
# An import of another Berth target that Package.swift does not declare fails the build (without
# the check it compiles whenever that target happens to be built first).
swift build -c "$configuration" --build-tests --explicit-target-dependency-import-check error "${testable[@]}"
export BERTH_BIN="$(swift build -c "$configuration" --show-bin-path)/berth"
step "berth-router links no GRDB (the store), control plane or Kubernetes backend"
scripts/check-router-links.sh
step "API contract: schemathesis over /openapi.json against a real berth server"
scripts/api/schemathesis.sh
# Three groups, one after the other: the suites of a group run in parallel, but the end-to-end
# groups start many server, replica and worker processes, and on a two-core machine running them
# beside the timing-sensitive unit and loopback suites starves those suites' timers.
export BERTH_TEST_PYTHON="$PWD/.venv/bin/python"
step "Swift tests: unit and loopback"
swift test -c "$configuration" --skip-build --skip BerthEndToEndTests --skip BerthKubernetesTests
step "Swift tests: Kubernetes backend against the API double"
swift test -c "$configuration" --skip-build --filter BerthKubernetesTests
# The dashboard's browser test (DashboardTests) drives headless Chromium: CI installs the Debian
# package when it is missing; elsewhere that one test is skipped, saying so, without it.
if [ "${CI:-}" = true ] && ! command -v chromium >/dev/null 2>&1; then
    step "Chromium for the dashboard's browser test"
    apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
        || { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }
fi
step "Swift tests: end to end with real berth servers"
swift test -c "$configuration" --skip-build --filter BerthEndToEndTests
step "Azure ML SDK compatibility suite: berth-azureml's tests, then Azure's snippets against a real server"
scripts/azure-sdk/setup-venv.sh
.venv-azure-sdk/bin/python -m pytest python/berth-azureml/tests -q -p no:cacheprovider
scripts/azure-sdk/run.sh
