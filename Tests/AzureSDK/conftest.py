"""Shared fixtures of the Azure ML SDK compatibility suite.

The suite runs through ``scripts/azure-sdk/run.sh``, which starts ``berth server`` on a temporary
workspace, exports what ``berth sdk env`` prints (before Python starts: the SDK reads its cloud at
import) and writes ``.azureml/config.json`` into ``BERTH_AZURE_SDK_WORKSPACE_DIR``.
"""

import base64
import json
import os
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

_HARNESS = "scripts/azure-sdk/run.sh"


def _required(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail("{} is not set: run the suite with {}.".format(name, _HARNESS), pytrace=False)
    return value


@pytest.fixture
def workspace_dir():
    """The folder holding ``.azureml/config.json`` (``berth sdk config -p``)."""
    return _required("BERTH_AZURE_SDK_WORKSPACE_DIR")


@pytest.fixture
def expected():
    """The names ``berth sdk env`` exported for the workspace."""
    return {
        "subscription_id": _required("BERTH_SUBSCRIPTION_ID"),
        "resource_group": _required("BERTH_RESOURCE_GROUP"),
        "workspace_name": _required("BERTH_WORKSPACE_NAME"),
    }


@pytest.fixture
def mint_sdk_token():
    """Signs SDK tokens with the workspace's own key, so a test can make what the server never
    issues: an expired one. Returns ``mint(exp_offset_seconds)``."""
    keys_file = os.path.join(_required("BERTH_HOME"), "signing-keys.json")
    with open(keys_file) as handle:
        current = json.load(handle)["current"]
    raw = base64.urlsafe_b64decode(current["privateKey"] + "=" * (-len(current["privateKey"]) % 4))
    key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())

    def mint(exp_offset_seconds):
        now = int(time.time())
        claims = {"iss": "berth", "aud": "berth:sdk", "iat": now - 7200, "exp": now + exp_offset_seconds}
        return jwt.encode(claims, key, algorithm="ES256", headers={"kid": current["kid"]})

    return mint
