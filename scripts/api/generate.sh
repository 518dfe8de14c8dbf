#!/usr/bin/env bash
# Generates Swift code from openapi/berth.json with the pinned swift-openapi-generator (1.14.3),
# built once into .build-openapi-generator/ from scripts/api/generator/. Generating with a script and
# committing the output, rather than with the build plugin, keeps the generator out of every clean
# build: building it alone takes about 2–3 minutes on a 2-core machine.
#
#   scripts/api/generate.sh
#
# Three outputs, so that the types are generated once and neither side depends on the other:
#   Sources/BerthAPITypes/Generated      the types (Components, Operations, APIProtocol)
#   Sources/BerthClient/Generated        the client (imports BerthAPITypes)
#   Sources/BerthAPIServer/Generated     the server's registerHandlers (imports BerthAPITypes)
#
# Each generated file starts with a header recording the SHA-256 of the document it came from;
# GeneratedCodeFreshnessTests (BerthClientTests) fails when the document has changed since, so an
# edit of the document without running this script again fails the tests without building the
# generator in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=.build-openapi-generator
document=openapi/berth.json
swift build --package-path scripts/api/generator --scratch-path "$scratch" --product swift-openapi-generator
generator="$(swift build --package-path scripts/api/generator --scratch-path "$scratch" --show-bin-path)/swift-openapi-generator"
digest="$(sha256sum "$document" | cut -d' ' -f1)"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

# generate MODE OUTPUT_DIRECTORY [generator options…]
generate() {
    local mode="$1" output="$2"
    shift 2
    mkdir -p "$staging/$mode"
    "$generator" generate "$document" --mode "$mode" --access-modifier package --naming-strategy idiomatic \
        --output-directory "$staging/$mode" "$@"
    mkdir -p "$output"
    rm -f "$output"/*.swift
    for file in "$staging/$mode"/*.swift; do
        {
            echo "// Generated from $document (sha256 $digest) by swift-openapi-generator 1.14.3."
            echo "// Do not edit: edit the document, then run scripts/api/generate.sh. Generated code is exempt from"
            echo "// the house limit of 800 lines per file, which is for hand-written code (Generated/README.md)."
            cat "$file"
        } >"$output/$(basename "$file")"
    done
    echo "Generated $mode into $output"
}

generate types Sources/BerthAPITypes/Generated
generate client Sources/BerthClient/Generated --additional-import BerthAPITypes
generate server Sources/BerthAPIServer/Generated --additional-import BerthAPITypes
