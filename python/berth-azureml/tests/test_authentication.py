"""BerthAuthentication without a server: headers, environment, errors, and that the token stays hidden."""

import base64
import json
import logging
import time

import pytest
from azureml.core.authentication import AbstractAuthentication
from azureml.exceptions import AuthenticationException

from berth_azureml import TENANT_ID, BerthAuthentication

SUBSCRIPTION = "8c5c8c8e-5d40-4bd4-9a42-0a3b8b1f3e11"


def _part(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def make_token(exp=None, signature="c2lnbmF0dXJlLW9mLXRoZS10ZXN0"):
    """A JWT-shaped token with an `exp` claim, as the SDK needs; the signature is not checked here."""
    claims = {"iss": "berth", "aud": "berth:sdk", "exp": exp or int(time.time()) + 3600}
    return _part({"alg": "ES256", "typ": "JWT", "kid": "k1"}) + "." + _part(claims) + "." + signature


@pytest.fixture(autouse=True)
def offline_environment(monkeypatch):
    """No Berth variables, and Azure's built-in clouds, so constructing never calls a server."""
    for name in ("BERTH_SDK_TOKEN", "BERTH_SUBSCRIPTION_ID", "ARM_CLOUD_METADATA_URL", "AZUREML_CURRENT_CLOUD"):
        monkeypatch.delenv(name, raising=False)


def test_explicit_token_is_the_bearer_of_every_header():
    token = make_token()
    auth = BerthAuthentication(token, subscription_id=SUBSCRIPTION, cloud="AzureCloud")
    assert isinstance(auth, AbstractAuthentication)
    assert auth.get_authentication_header() == {"Authorization": "Bearer " + token}
    assert auth._get_azureml_client_authentication_header() == {"Authorization": "Bearer " + token}
    assert auth._get_arm_token() == token
    assert auth._get_graph_token() == token
    assert auth._get_azureml_client_token() == token
    assert auth.signed_session().headers["Authorization"] == "Bearer " + token


def test_track_two_token_carries_the_jwt_expiry():
    expiry = int(time.time()) + 7200
    token = make_token(exp=expiry)
    assert tuple(BerthAuthentication(token, cloud="AzureCloud").get_token("scope")) == (token, expiry)


def test_token_and_subscription_come_from_the_environment(monkeypatch):
    token = make_token()
    monkeypatch.setenv("BERTH_SDK_TOKEN", token + "\n")
    monkeypatch.setenv("BERTH_SUBSCRIPTION_ID", SUBSCRIPTION)
    auth = BerthAuthentication(cloud="AzureCloud")
    assert auth.get_authentication_header() == {"Authorization": "Bearer " + token}
    subscriptions, tenant = auth._get_all_subscription_ids()
    assert [s.subscription_id for s in subscriptions] == [SUBSCRIPTION]
    assert tenant == TENANT_ID
    # The SDK's own check before it builds an ARM client passes for the workspace's subscription.
    assert auth._check_if_subscription_exists(SUBSCRIPTION, subscriptions, tenant)


def test_an_explicit_token_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("BERTH_SDK_TOKEN", make_token(signature="ZW52"))
    explicit = make_token(signature="ZXhwbGljaXQ")
    assert BerthAuthentication(explicit, cloud="AzureCloud")._get_arm_token() == explicit


@pytest.mark.parametrize("value", [None, "", "  \n"])
def test_no_token_is_an_error_that_says_what_to_run(monkeypatch, value):
    if value is not None:
        monkeypatch.setenv("BERTH_SDK_TOKEN", value)
    with pytest.raises(AuthenticationException) as raised:
        BerthAuthentication(cloud="AzureCloud")
    assert 'eval "$(berth sdk env)"' in str(raised.value)
    assert "BERTH_SDK_TOKEN" in str(raised.value)


def test_no_subscription_is_an_error_that_says_what_to_run():
    auth = BerthAuthentication(make_token(), cloud="AzureCloud")
    with pytest.raises(AuthenticationException) as raised:
        auth._get_all_subscription_ids()
    assert 'eval "$(berth sdk env)"' in str(raised.value)
    assert "BERTH_SUBSCRIPTION_ID" in str(raised.value)


def test_the_sdk_reads_the_workspace_from_arm():
    auth = BerthAuthentication(make_token(), cloud="AzureCloud")
    assert auth._get_workspace(SUBSCRIPTION, "berth", "berth") is None


def test_repr_str_and_logs_never_show_the_token(caplog, capsys):
    token = make_token(signature="c2VjcmV0LXNpZ25hdHVyZQ")
    signature = token.rsplit(".", 1)[1]
    with caplog.at_level(logging.DEBUG):
        auth = BerthAuthentication(token, subscription_id=SUBSCRIPTION, cloud="AzureCloud")
        auth.get_authentication_header()
        auth._get_all_subscription_ids()
    for text in (repr(auth), str(auth), "{}".format(auth), "%s" % auth, caplog.text, capsys.readouterr().out):
        assert token not in text
        assert signature not in text
    assert SUBSCRIPTION in repr(auth)
