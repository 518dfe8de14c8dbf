#!/usr/bin/env bash
# Makes <repo>/.venv-azure-sdk for the Azure ML SDK compatibility suite: Python 3.11 with the
# unmodified SDK release Berth's facade is checked against (azureml-core from PyPI), pytest, and
# python/berth-azureml. Quiet and quick when it is already there with the same pins and package.
# PYTHON picks the interpreter (default python3.11).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-azure-sdk
python="${PYTHON:-python3.11}"
pins=(azureml-core==1.61.0.post4 pytest)
package=python/berth-azureml

checksum() { if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi; }
# The pins, plus the package's sources: an edited berth_azureml is installed again.
wanted="${pins[*]} $(cat "$package/pyproject.toml" "$package"/berth_azureml/*.py | checksum | cut -d' ' -f1)"
stamp=$venv/.berth-azure-sdk
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    exit 0
fi

command -v "$python" >/dev/null || {
    echo "error: $python not found; the suite needs Python 3.11 (azureml-core 1.61 supports up to 3.11). Set PYTHON to one." >&2
    exit 1
}
echo "==> Setting up $venv (azureml-core, pytest, berth-azureml; the first time downloads the SDK from PyPI)"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)
"${pip[@]}" install "${pins[@]}"
"${pip[@]}" install --force-reinstall --no-deps "./$package"
echo "$wanted" >"$stamp"
