#!/usr/bin/env bash
# Runs the Azure ML SDK compatibility suite (Tests/AzureSDK: Azure's snippets with the unmodified
# azureml-core) against a real `berth server` (scripts/azure-sdk/with-server.sh). Arguments go to
# pytest (e.g. -k from_config -x). Exit status: pytest's, or 1 when the harness fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "==> Azure ML SDK compatibility suite"
exec scripts/azure-sdk/with-server.sh python -m pytest Tests/AzureSDK -q -p no:cacheprovider "$@"
