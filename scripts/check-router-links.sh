#!/usr/bin/env bash
# Checks that the `berth-router` executable, which router Pods run, links none of what only the
# control plane needs: GRDB (the SQLite store), BerthStore, BerthControlPlane, BerthKubernetes
# (the backend; BerthKubernetesAPI is fine) and BerthBackends. Each module is looked for by its
# mangled-name prefix in the symbol table; the same look-up must find GRDB in `berth`, so a check
# that finds nothing anywhere cannot pass by accident. Uses the build of $BERTH_BUILD_CONFIGURATION
# (default debug).
set -euo pipefail
cd "$(dirname "$0")/.."
configuration="${BERTH_BUILD_CONFIGURATION:-debug}"
bin="$(swift build -c "$configuration" --show-bin-path)"
[ -x "$bin/berth-router" ] && [ -x "$bin/berth" ] || {
    echo "build berth and berth-router first (swift build -c $configuration)" >&2
    exit 1
}
# `$s<length><module>…`: Swift's mangling of a symbol of that module (the length keeps
# BerthKubernetes apart from BerthKubernetesAPI).
forbidden=(GRDB BerthStore BerthControlPlane BerthKubernetes BerthBackends)
symbols() { nm --defined-only "$1" | awk '{ print $NF }'; }
pattern() { printf '^_?\\$s%d%s' "${#1}" "$1"; }
router_symbols="$(mktemp)"
berth_symbols="$(mktemp)"
trap 'rm -f "$router_symbols" "$berth_symbols"' EXIT
symbols "$bin/berth-router" > "$router_symbols"
symbols "$bin/berth" > "$berth_symbols"
failed=0
for module in "${forbidden[@]}"; do
    if count="$(grep -cE "$(pattern "$module")" "$router_symbols")"; then
        echo "berth-router links $module ($count symbols), which only the control plane needs" >&2
        failed=1
    fi
done
if ! grep -qE "$(pattern GRDB)" "$berth_symbols"; then
    echo "the check finds no GRDB symbols in berth either: it no longer sees what it looks for" >&2
    failed=1
fi
if ! grep -qE "$(pattern BerthRouter)" "$router_symbols"; then
    echo "the check finds no BerthRouter symbols in berth-router: it no longer sees what it looks for" >&2
    failed=1
fi
[ "$failed" = 0 ] && echo "berth-router: no ${forbidden[*]} symbols"
exit "$failed"
