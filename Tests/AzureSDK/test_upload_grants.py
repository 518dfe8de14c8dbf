"""Uploads are granted, not open: a tampered or expired upload URL, a read-only URL and a body
whose Content-sha256 does not match are each refused with Azure Storage's error, and leave
nothing that a model could be registered from. The URLs come from the artifact service the SDK
uses; the uploads go through the SDK's own (vendored) blob client and the server's proxy."""
import base64
import datetime
import hashlib
import os
import urllib.parse
import uuid

import pytest
import requests
from azureml._vendor.azure_storage.blob import BlobClient
from azureml.core import Model, Workspace
from azureml.exceptions import WebserviceException
from berth_azureml import BerthAuthentication


@pytest.fixture(scope="module")
def ws():
    return Workspace.from_config(path=os.environ["BERTH_AZURE_SDK_WORKSPACE_DIR"], auth=BerthAuthentication())


def upload_url(ws, name):
    """A content URI from the artifact service, as Model.register gets one."""
    container = uuid.uuid4().hex[:8]
    history = ws.service_context._get_run_history_url()
    url = "{}/artifact/v2.0{}/artifacts/batch/metadata/LocalUpload/{}".format(
        history, ws.service_context._get_workspace_scope(), container)
    headers = {"Authorization": "Bearer " + os.environ["BERTH_SDK_TOKEN"]}
    answer = requests.post(url, json={"paths": [{"path": name}]}, headers=headers)
    answer.raise_for_status()
    body = answer.json()
    return body["artifactContentInformation"][name]["contentUri"], body["artifacts"][name]["artifactId"]


def with_query(url, **changes):
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(changes)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def register_from(ws, artifact_id):
    """Registers a model straight from an artifact, as an asset would name it."""
    mms = ws.service_context._get_modelmanagement_url() + "/modelmanagement/v1.0" + ws.service_context._get_workspace_scope()
    headers = {"Authorization": "Bearer " + os.environ["BERTH_SDK_TOKEN"]}
    return requests.post(mms + "/assets", json={"name": "x", "artifacts": [{"prefix": artifact_id}]}, headers=headers)


def test_a_tampered_signature_is_refused(ws):
    url, artifact = upload_url(ws, "model.bin")
    signature = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["sig"]
    forged = base64.b64encode(bytes(b ^ 1 for b in base64.b64decode(signature))).decode()
    with pytest.raises(Exception) as raised:
        BlobClient.from_blob_url(with_query(url, sig=forged)).upload_blob(b"weights")
    assert "AuthenticationFailed" in str(raised.value)
    assert register_from(ws, artifact).status_code == 400


def test_an_expired_url_is_refused(ws):
    url, artifact = upload_url(ws, "model.bin")
    past = (datetime.datetime.utcnow() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(Exception) as raised:
        BlobClient.from_blob_url(with_query(url, se=past)).upload_blob(b"weights")
    assert "AuthenticationFailed" in str(raised.value)
    assert register_from(ws, artifact).status_code == 400


def test_a_read_only_url_cannot_write(ws):
    url, artifact = upload_url(ws, "model.bin")
    with pytest.raises(Exception) as raised:
        BlobClient.from_blob_url(with_query(url, sp="r")).upload_blob(b"weights")
    assert "AuthenticationFailed" in str(raised.value) or "AuthorizationPermissionMismatch" in str(raised.value)


def test_a_body_that_does_not_match_its_content_sha256_is_refused(ws):
    url, artifact = upload_url(ws, "model.bin")
    wrong = base64.b64encode(hashlib.sha256(b"something else").digest()).decode()
    headers = {"x-ms-blob-type": "BlockBlob", "x-ms-version": "2021-08-06", "Content-sha256": wrong}
    answer = requests.put(url, data=b"weights", headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.headers.get("x-ms-error-code") == "Md5Mismatch"
    assert register_from(ws, artifact).status_code == 400
    # The same upload with the right hash is accepted.
    headers["Content-sha256"] = base64.b64encode(hashlib.sha256(b"weights").digest()).decode()
    assert requests.put(url, data=b"weights", headers=headers).status_code == 201
    assert register_from(ws, artifact).status_code == 200
