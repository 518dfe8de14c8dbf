#!/usr/bin/env bash
# Runs the opt-in real-cluster journey (RealClusterTests: attach, apply, scale, detach) against a
# throw-away kind cluster, for anyone with Docker and kind: creates the cluster, points
# BERTH_TEST_KUBECONFIG at it, runs the test, and deletes the cluster whatever happened.
#
#   scripts/kind-e2e.sh                       # kind's default node image
#   KIND_NODE_IMAGE=kindest/node:v1.31.2 scripts/kind-e2e.sh
#
# It has not been run on Berth's build machines (they have no container engine); see
# docs/kubernetes.md, "Testing".
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in docker kind swift; do
    command -v "$tool" >/dev/null || { echo "kind-e2e: '$tool' is not installed" >&2; exit 2; }
done
cluster="berth-e2e-$$"
folder="$(mktemp -d)"
kubeconfig="$folder/kubeconfig"
cleanup() {
    kind delete cluster --name "$cluster" --kubeconfig "$kubeconfig" >/dev/null 2>&1 || true
    rm -rf "$folder"
}
trap cleanup EXIT
image=()
[ -n "${KIND_NODE_IMAGE:-}" ] && image=(--image "$KIND_NODE_IMAGE")
echo "==> Creating kind cluster '$cluster'"
kind create cluster --name "$cluster" --kubeconfig "$kubeconfig" --wait 120s "${image[@]}"
echo "==> Building the tests"
swift build --build-tests
echo "==> RealClusterTests against '$cluster'"
BERTH_TEST_KUBECONFIG="$kubeconfig" swift test --skip-build --filter RealClusterTests
