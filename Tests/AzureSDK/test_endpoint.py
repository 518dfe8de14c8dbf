"""AksEndpoint as Azure's "deploy to AKS" article uses it: an endpoint with a first version, a
second version with a traffic share, the second made the default (and control), the first
deleted; scoring, keys and delete along the way."""
import json
import os
import pathlib

import pytest
import requests
from azureml.core import Environment, Model, Workspace
from azureml.core.compute import AksCompute, ComputeTarget
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.model import InferenceConfig
from azureml.core.webservice import AksEndpoint, Webservice
from azureml.exceptions import WebserviceException
from berth_azureml import BerthAuthentication

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
state = {}


@pytest.fixture(scope="module")
def ws():
    return Workspace.from_config(path=os.environ["BERTH_AZURE_SDK_WORKSPACE_DIR"], auth=BerthAuthentication())


@pytest.fixture(scope="module")
def inference_config():
    env = Environment("endpointenv")
    env.python.conda_dependencies = CondaDependencies.create(pip_packages=["azureml-defaults"])
    env.environment_variables = {"EXAMPLE_ENV_VAR": "endpoint"}
    return InferenceConfig(entry_script="score.py", source_directory=str(FIXTURES / "src"), environment=env)


def test_create_an_endpoint_with_its_first_version(ws, inference_config):
    target = ComputeTarget.create(
        ws, "endpointaks",
        AksCompute.provisioning_configuration(cluster_purpose="DevTest", agent_count=1, vm_size="Standard_D3_v2"))
    target.wait_for_completion()
    model = Model.register(ws, model_path=str(FIXTURES / "model-v1" / "model.json"), model_name="endpointmodel")
    config = AksEndpoint.deploy_configuration(
        cpu_cores=0.1, memory_gb=0.2, enable_app_insights=True, tags={"sckitlearn": "demo"},
        description="testing versions", version_name="versiona", traffic_percentile=20)
    endpoint = Model.deploy(ws, "myendpoint", [model], inference_config, config, target)
    endpoint.wait_for_deployment(True)
    assert endpoint.state == "Healthy"
    assert list(endpoint.versions) == ["versiona"]
    assert endpoint.run(json.dumps({"data": [2, 3]}))["sum"] == 5
    state.update(endpoint=endpoint, model=model)


def test_add_a_second_version_with_a_traffic_share(ws, inference_config):
    endpoint = state["endpoint"]
    endpoint.create_version(
        version_name="versionb", inference_config=inference_config, models=[state["model"]],
        tags={"modelVersion": "b"}, description="my second version", traffic_percentile=40)
    endpoint.wait_for_deployment(True)
    endpoint.update_deployment_state()
    assert sorted(endpoint.versions) == ["versiona", "versionb"]
    assert endpoint.versions["versionb"].traffic_percentile == 40


def test_make_the_second_the_default_then_delete_the_first(ws):
    endpoint = state["endpoint"]
    endpoint.update_version(version_name="versionb", traffic_percentile=40, is_default=True, is_control_version_type=True)
    endpoint.update_deployment_state()
    assert endpoint.versions["versionb"].is_default and not endpoint.versions["versiona"].is_default
    endpoint.delete_version(version_name="versiona")
    endpoint.wait_for_deployment(True)
    endpoint.update_deployment_state()
    assert list(endpoint.versions) == ["versionb"]
    primary, _ = endpoint.get_keys()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {primary}"}
    answer = requests.post(endpoint.scoring_uri, json.dumps({"data": [1]}), headers=headers)
    assert answer.status_code == 200 and answer.json()["env"] == "endpoint"


def test_delete_the_endpoint(ws):
    assert "myendpoint" in [s.name for s in Webservice.list(ws)]
    state["endpoint"].delete()
    with pytest.raises(WebserviceException):
        Webservice(ws, "myendpoint")
