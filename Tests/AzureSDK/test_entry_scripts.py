"""Entry scripts deployed through the SDK behave as with `berth model deploy`: Berth runs the
script AZUREML_ENTRY_SCRIPT names, not the SDK's wrapper, so inference_schema decorators publish
swagger.json and validate input, and @rawhttp sees the raw request and shapes its own response."""
import json
import os
import pathlib

import pytest
import requests
from azureml.core import Environment, Model, Workspace
from azureml.core.compute import AksCompute, ComputeTarget
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.model import InferenceConfig
from azureml.core.webservice import AksWebservice
from berth_azureml import BerthAuthentication

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
# The entry scripts `berth model deploy` is tested with: the same files, deployed through the SDK.
CORPUS = pathlib.Path(__file__).parent.parent / "Fixtures" / "corpus"


@pytest.fixture(scope="module")
def ws():
    return Workspace.from_config(path=os.environ["BERTH_AZURE_SDK_WORKSPACE_DIR"], auth=BerthAuthentication())


@pytest.fixture(scope="module")
def target(ws):
    target = ComputeTarget.create(
        ws, "scriptsaks",
        AksCompute.provisioning_configuration(cluster_purpose="DevTest", agent_count=1, vm_size="Standard_D3_v2"))
    target.wait_for_completion()
    return target


@pytest.fixture(scope="module")
def model(ws):
    return Model.register(ws, model_path=str(FIXTURES / "model-v1" / "model.json"), model_name="scriptmodel")


def deploy(ws, target, model, name, folder, pip_packages):
    env = Environment(name + "env")
    env.python.conda_dependencies = CondaDependencies.create(pip_packages=["azureml-defaults"] + pip_packages)
    config = InferenceConfig(entry_script="score.py", source_directory=str(CORPUS / folder), environment=env)
    settings = AksWebservice.deploy_configuration(cpu_cores=0.1, memory_gb=0.5, num_replicas=1)
    service = Model.deploy(ws, name, [model], config, settings, deployment_target=target)
    service.wait_for_deployment(show_output=True)
    assert service.state == "Healthy", service.get_logs()
    return service


def test_schema_decorators_publish_swagger(ws, target, model):
    service = deploy(ws, target, model, "schemasvc", "schema", ["numpy", "inference-schema[numpy-support]"])
    assert service.run(json.dumps({"data": [[1.0, 2.0, 3.0]]})) == [6.0]
    key = service.get_keys()[0]
    swagger = requests.get(service.swagger_uri, headers={"Authorization": f"Bearer {key}"})
    assert swagger.status_code == 200, swagger.text
    assert "data" in json.dumps(swagger.json()["definitions"])
    service.delete()


def test_rawhttp_sees_the_raw_request(ws, target, model):
    service = deploy(ws, target, model, "rawsvc", "rawhttp", [])
    key = service.get_keys()[0]
    answer = requests.post(
        service.scoring_uri, data=b"0123456789",
        headers={"Authorization": f"Bearer {key}", "X-Tenant": "contoso", "Content-Type": "application/octet-stream"})
    assert answer.status_code == 200 and answer.json() == {"length": 10, "tenant": "contoso"}
    service.delete()
