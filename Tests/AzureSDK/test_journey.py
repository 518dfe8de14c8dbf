"""The snippets of Azure's "deploy to AKS" articles, run unchanged with the real azureml-core
against a real `berth server`: register models, create a cluster, deploy, score, keys, logs,
update, list, delete, detach. Each step builds on the one before, so the steps run in order in
one module and share the objects they make.
"""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading

import pytest
import requests
from azureml.core import Environment, Model, Workspace
from azureml.core.compute import AksCompute, ComputeTarget
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.model import InferenceConfig
from azureml.core.webservice import AksWebservice, Webservice
from azureml.exceptions import ComputeTargetException, ProjectSystemException, WebserviceException
from berth_azureml import BerthAuthentication

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
state = {}


@pytest.fixture(scope="module")
def ws():
    return Workspace.from_config(path=os.environ["BERTH_AZURE_SDK_WORKSPACE_DIR"], auth=BerthAuthentication())


def test_register_file_and_folder_models(ws):
    model = Model.register(
        ws, model_path=str(FIXTURES / "model-v1" / "model.json"), model_name="mymodel",
        tags={"area": "demo"}, description="first")
    assert model.name == "mymodel" and model.version == 1
    again = Model(ws, "mymodel")
    assert again.version == 1 and again.tags == {"area": "demo"} and again.description == "first"
    folder = Model.register(ws, model_path=str(FIXTURES / "folder-model"), model_name="foldermodel")
    assert folder.version == 1
    state["model"] = model


def test_register_a_model_over_64_mib(ws):
    # The SDK registers only paths under the current folder.
    folder = pathlib.Path(tempfile.mkdtemp(prefix=".big-model-", dir=os.getcwd()))
    try:
        big = folder / "big.bin"
        with open(big, "wb") as handle:
            for _ in range(65):
                handle.write(os.urandom(1 << 20))
        model = Model.register(ws, model_path=os.path.relpath(big), model_name="bigmodel")
        assert Model(ws, "bigmodel").version == model.version == 1
    finally:
        shutil.rmtree(folder)


def test_create_a_cluster(ws):
    config = AksCompute.provisioning_configuration(
        cluster_purpose=AksCompute.ClusterPurpose.DEV_TEST, agent_count=1, vm_size="Standard_D3_v2")
    target = ComputeTarget.create(ws, "myaks", config)
    target.wait_for_completion(show_output=True)
    assert target.provisioning_state == "Succeeded"
    assert ComputeTarget(ws, "myaks").provisioning_state == "Succeeded"
    assert "myaks" in [c.name for c in ComputeTarget.list(ws)]
    state["target"] = target


def test_a_fastprod_cluster_below_12_vcpus_is_refused(ws):
    config = AksCompute.provisioning_configuration(agent_count=1, vm_size="Standard_D3_v2")
    with pytest.raises(ComputeTargetException) as raised:
        ComputeTarget.create(ws, "toosmall", config)
    assert "12" in str(raised.value)
    with pytest.raises(ComputeTargetException):
        ComputeTarget(ws, "toosmall")


def test_an_unknown_cluster_is_not_found(ws):
    with pytest.raises(ComputeTargetException):
        ComputeTarget(ws, "nosuchcluster")


def test_deploy_with_an_environment(ws, capsys):
    env = Environment("myenv")
    env.python.conda_dependencies = CondaDependencies.create(pip_packages=["azureml-defaults"])
    env.environment_variables = {"EXAMPLE_ENV_VAR": "EXAMPLE_VALUE"}
    inference_config = InferenceConfig(entry_script="score.py", source_directory=str(FIXTURES / "src"), environment=env)
    deployment_config = AksWebservice.deploy_configuration(
        cpu_cores=0.1, memory_gb=0.5, autoscale_enabled=False, num_replicas=1)
    service = Model.deploy(
        ws, "myservice", [state["model"]], inference_config, deployment_config,
        deployment_target=state["target"])
    service.wait_for_deployment(show_output=True)
    assert service.state == "Healthy", service.get_logs()
    printed = capsys.readouterr().out
    assert "Healthy" in printed or "Succeeded" in printed
    # What cannot apply on Berth is said in the progress the SDK prints, not dropped.
    assert "baseImage" in printed and "driver wrapper" in printed, printed
    state["service"] = service
    state["inference_config"] = inference_config


def test_a_name_in_use_needs_overwrite(ws):
    deployment_config = AksWebservice.deploy_configuration(cpu_cores=0.1, memory_gb=0.5, num_replicas=1)
    with pytest.raises(WebserviceException, match="already exists"):
        Model.deploy(
            ws, "myservice", [state["model"]], state["inference_config"], deployment_config,
            deployment_target=state["target"])
    assert Webservice(ws, "myservice").state == "Healthy"


def test_run_and_keys(ws):
    service = state["service"]
    assert service.run(json.dumps({"data": [1, 2, 3]})) == {"model": "one", "sum": 6, "env": "EXAMPLE_VALUE"}
    primary, secondary = service.get_keys()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {primary}"}
    answer = requests.post(service.scoring_uri, json.dumps({"data": [4]}), headers=headers)
    assert answer.status_code == 200 and answer.json()["sum"] == 4
    service.regen_key("Primary")
    assert requests.post(service.scoring_uri, json.dumps({"data": [4]}), headers=headers).status_code == 401
    headers["Authorization"] = f"Bearer {secondary}"
    assert requests.post(service.scoring_uri, json.dumps({"data": [4]}), headers=headers).status_code == 200


def test_logs_show_init_output(ws):
    assert "init() loaded model version one" in state["service"].get_logs()


def test_update_to_token_auth_and_new_models(ws):
    service = state["service"]
    service.update(auth_enabled=False, token_auth_enabled=True, tags={"stage": "two"})
    service.wait_for_deployment()
    token, refresh_by = service.get_token()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    assert requests.post(service.scoring_uri, json.dumps({"data": [1]}), headers=headers).status_code == 200
    v2 = Model.register(ws, model_path=str(FIXTURES / "model-v2" / "model.json"), model_name="mymodel")
    assert v2.version == 2
    # Scoring goes on while the new model rolls out; no request may fail.
    answers, rolling = [], threading.Event()

    def score():
        while not rolling.is_set():
            answer = requests.post(service.scoring_uri, json.dumps({"data": [1]}), headers=headers)
            answers.append((answer.status_code, answer.json().get("model") if answer.ok else answer.text))

    scorer = threading.Thread(target=score)
    scorer.start()
    try:
        service.update(models=[v2], inference_config=state["inference_config"])
        service.wait_for_deployment(show_output=True)
    finally:
        rolling.set()
        scorer.join()
    assert service.state == "Healthy"
    assert answers and all(status == 200 for status, _ in answers), [a for a in answers if a[0] != 200][:5]
    assert answers[-1][1] == "two"
    assert service.run(json.dumps({"data": [1]}))["model"] == "two"
    assert Webservice(ws, "myservice").tags == {"stage": "two"}


def test_list_and_delete(ws):
    assert "myservice" in [s.name for s in Webservice.list(ws)]
    assert [s.name for s in Webservice.list(ws, tags=[["stage", "two"]])] == ["myservice"]
    assert Webservice.list(ws, tags=[["stage", "one"]]) == []
    assert [m.version for m in Model.list(ws, name="mymodel", tags=[["area", "demo"]])] == [1]
    state["service"].delete()
    with pytest.raises(WebserviceException):
        Webservice(ws, "myservice")


def test_detach_the_cluster(ws):
    state["target"].detach()
    with pytest.raises(ComputeTargetException):
        ComputeTarget(ws, "myaks")


def test_another_workspace_is_not_found(ws):
    # What Azure's SDK raises for a workspace that does not exist.
    with pytest.raises(ProjectSystemException, match="Workspace not found"):
        Workspace(ws.subscription_id, ws.resource_group, "someoneelse", auth=BerthAuthentication())


def test_download_models(ws, tmp_path):
    # Registered through the SDK: the files come back under their own names.
    Model(ws, "mymodel", version=1).download(target_dir=str(tmp_path / "one"))
    assert json.loads((tmp_path / "one" / "model.json").read_text()) == {"version": "one"}
    Model(ws, "foldermodel").download(target_dir=str(tmp_path / "folder"))
    assert (tmp_path / "folder" / "folder-model" / "nested" / "config.txt").read_text() == "nested\n"
    # Registered with the berth CLI: the SDK finds and downloads it the same way.
    subprocess.run(
        ["berth", "model", "register", "-n", "climodel", "-p", str(FIXTURES / "folder-model")],
        check=True, stdout=subprocess.DEVNULL)
    Model(ws, "climodel").download(target_dir=str(tmp_path / "cli"))
    assert (tmp_path / "cli" / "nested" / "config.txt").read_text() == "nested\n"
    assert (tmp_path / "cli" / "weights.bin").read_text() == "weights\n"
