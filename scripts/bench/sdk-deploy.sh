#!/usr/bin/env bash
# Model.deploy + wait_for_deployment through the unmodified azureml-core, from the call to Healthy,
# against `berth model deploy` of the same files on the same server in the same run (the reference;
# the ratio is what the Azure dialect costs). The environment is cached first, as the target says.
# Reports the SDK's wall time (which includes its fixed 5 s poll sleep) and the server's own time
# for the same deploy (operation created → Succeeded). RUNS=N repeats (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/azure-sdk/setup-venv.sh
exec scripts/azure-sdk/with-server.sh python scripts/bench/sdk_deploy.py
