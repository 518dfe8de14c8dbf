#!/usr/bin/env bash
# Generates Swift types and a client from openapi/berth.json with the pinned swift-openapi-generator
# (1.14.3), built once into .build-openapi-generator/ from scripts/api/generator/. Generating with a
# script and committing the output, rather than with the build plugin, keeps the generator out of
# every clean build: building it alone takes about 2–3 minutes on a 2-core machine.
#
#   scripts/api/generate.sh [OUTPUT_DIRECTORY]   (default .build-openapi-generator/generated)
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=.build-openapi-generator
output="${1:-$scratch/generated}"
swift build --package-path scripts/api/generator --scratch-path "$scratch" --product swift-openapi-generator
generator="$(swift build --package-path scripts/api/generator --scratch-path "$scratch" --show-bin-path)/swift-openapi-generator"
mkdir -p "$output"
"$generator" generate openapi/berth.json --mode types --mode client --access-modifier package \
    --naming-strategy idiomatic --output-directory "$output"
echo "Generated into $output"
