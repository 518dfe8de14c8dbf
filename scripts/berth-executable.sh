#!/usr/bin/env bash
# Prints the path of the berth executable the scripts run: $BERTH_BIN when set (scripts/test.sh
# passes the one its tests ran), else berth built now in $BERTH_BUILD_CONFIGURATION (default debug).
# What the build says goes to stderr, so `berth="$(scripts/berth-executable.sh)"` gets the path.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${BERTH_BIN:-}" ]; then
    echo "$BERTH_BIN"
    exit 0
fi
configuration="${BERTH_BUILD_CONFIGURATION:-debug}"
echo "==> Building berth, $configuration (the first build takes several minutes)" >&2
swift build -c "$configuration" --product berth >&2
echo "$(swift build -c "$configuration" --show-bin-path)/berth"
