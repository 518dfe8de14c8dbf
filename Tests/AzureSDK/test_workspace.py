"""Workspace access through the unmodified SDK: from_config with BerthAuthentication, and the SDK
raising when the token is expired or not the workspace's."""

import os

import pytest
from azureml.core import Workspace

from berth_azureml import BerthAuthentication


def test_from_config_finds_the_workspace(workspace_dir, expected):
    ws = Workspace.from_config(path=workspace_dir, auth=BerthAuthentication())
    assert ws.name == expected["workspace_name"]
    assert ws.subscription_id == expected["subscription_id"]
    assert ws.resource_group == expected["resource_group"]


def test_an_expired_token_makes_the_sdk_raise(workspace_dir, mint_sdk_token):
    expired = BerthAuthentication(token=mint_sdk_token(-60))
    with pytest.raises(Exception) as raised:
        Workspace.from_config(path=workspace_dir, auth=expired)
    # The server's 401 says what happened and what to run.
    assert "expired" in str(raised.value)


def test_a_token_of_another_signer_makes_the_sdk_raise(workspace_dir):
    token = os.environ["BERTH_SDK_TOKEN"]
    header, claims, signature = token.split(".")
    # Same claims, a signature that does not match them.
    forged = BerthAuthentication(token=".".join([header, claims, signature[::-1]]))
    with pytest.raises(Exception) as raised:
        Workspace.from_config(path=workspace_dir, auth=forged)
    assert token not in str(raised.value)
