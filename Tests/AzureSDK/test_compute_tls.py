"""TLS of a cluster's scoring through Azure's SDK: `provisioning_configuration(ssl_cname=...,
ssl_cert_pem_file=..., ssl_key_pem_file=...)`, `AksUpdateConfiguration(SslConfiguration(...))`
to renew and disable, and Azure's own validation errors for incomplete settings.
"""
import os
import subprocess

import pytest
from azureml.core import Workspace
from azureml.core.compute import AksCompute, ComputeTarget
from azureml.core.compute.aks import AksUpdateConfiguration, SslConfiguration
from azureml.exceptions import ComputeTargetException
from berth_azureml import BerthAuthentication


@pytest.fixture(scope="module")
def ws():
    return Workspace.from_config(path=os.environ["BERTH_AZURE_SDK_WORKSPACE_DIR"], auth=BerthAuthentication())


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for scoring.example, made with openssl as a user would."""
    folder = tmp_path_factory.mktemp("cert")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "30", "-subj", "/CN=scoring.example",
         "-addext", "subjectAltName=DNS:scoring.example"],
        check=True, capture_output=True)
    return str(cert), str(key)


def test_a_cluster_with_a_certificate(ws, certificate):
    cert, key = certificate
    config = AksCompute.provisioning_configuration(
        cluster_purpose=AksCompute.ClusterPurpose.DEV_TEST, agent_count=1, vm_size="Standard_D3_v2",
        ssl_cname="scoring.example", ssl_cert_pem_file=cert, ssl_key_pem_file=key)
    target = ComputeTarget.create(ws, "tlsaks", config)
    target.wait_for_completion(show_output=True)
    read = ComputeTarget(ws, "tlsaks")
    assert read.ssl_configuration.status == "Enabled"
    assert read.ssl_configuration.cname == "scoring.example"
    assert not read.ssl_configuration.key


def test_incomplete_settings_get_azures_error(ws, certificate):
    cert, _ = certificate
    with pytest.raises(ComputeTargetException) as raised:
        AksCompute.provisioning_configuration(ssl_cname="scoring.example", ssl_cert_pem_file=cert)
    assert "not all ssl information provided" in str(raised.value)


def test_renew_needs_a_leaf_domain_label(ws):
    target = ComputeTarget(ws, "tlsaks")
    with pytest.raises(ComputeTargetException) as raised:
        target.update(AksUpdateConfiguration(SslConfiguration(renew=True)))
    assert "leaf domain label" in str(raised.value)


def test_disable_then_detach(ws):
    target = ComputeTarget(ws, "tlsaks")
    target.update(AksUpdateConfiguration(SslConfiguration(status="Disabled")))
    target.wait_for_completion(show_output=True)
    assert ComputeTarget(ws, "tlsaks").ssl_configuration is None
    target.delete()
    with pytest.raises(ComputeTargetException):
        ComputeTarget(ws, "tlsaks")
