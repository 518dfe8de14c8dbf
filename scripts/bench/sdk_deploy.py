"""Times Model.deploy + wait_for_deployment (azureml-core) against `berth model deploy` of the
same entry script, model and settings, on one server in one run. Run by sdk-deploy.sh."""
import datetime
import json
import os
import pathlib
import statistics
import subprocess
import tempfile
import time

import requests
from azureml.core import Environment, Model, Workspace
from azureml.core.compute import AksCompute, ComputeTarget
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.model import InferenceConfig
from azureml.core.webservice import AksWebservice
from berth_azureml import BerthAuthentication

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "AzureSDK" / "fixtures"
RUNS = int(os.environ.get("RUNS", "3"))


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def server_seconds(service):
    """The deploy operation's own duration, read from the operation the SDK polled."""
    headers = {"Authorization": "Bearer " + os.environ["BERTH_SDK_TOKEN"]}
    operation = requests.get(service._operation_endpoint, headers=headers).json()
    return (parse_time(operation["endTime"]) - parse_time(operation["createdTime"])).total_seconds()


def main():
    ws = Workspace.from_config(path=os.environ["BERTH_AZURE_SDK_WORKSPACE_DIR"], auth=BerthAuthentication())
    target = ComputeTarget.create(
        ws, "benchaks",
        AksCompute.provisioning_configuration(cluster_purpose="DevTest", agent_count=1, vm_size="Standard_D3_v2"))
    target.wait_for_completion()
    model = Model.register(ws, model_path=os.path.relpath(FIXTURES / "model-v1" / "model.json"), model_name="benchmodel")
    env = Environment("benchenv")
    env.python.conda_dependencies = CondaDependencies.create(pip_packages=["azureml-defaults"])
    inference = InferenceConfig(entry_script="score.py", source_directory=str(FIXTURES / "src"), environment=env)
    settings = AksWebservice.deploy_configuration(cpu_cores=0.1, memory_gb=0.5, autoscale_enabled=False, num_replicas=1)

    # Warm-up: builds and caches the environment both paths then use.
    Model.deploy(ws, "benchwarm", [model], inference, settings, target).wait_for_deployment()

    sdk_wall, sdk_server = [], []
    for run in range(RUNS):
        start = time.monotonic()
        service = Model.deploy(ws, f"benchsdk{run}", [model], inference, settings, target)
        service.wait_for_deployment()
        sdk_wall.append(time.monotonic() - start)
        assert service.state == "Healthy", service.state
        sdk_server.append(server_seconds(service))
        service.delete()

    folder = pathlib.Path(tempfile.mkdtemp())
    (folder / "inferenceconfig.json").write_text(json.dumps({
        "entryScript": "score.py", "sourceDirectory": str(FIXTURES / "src"),
        "environment": {"python": {"condaDependencies": {"dependencies": [{"pip": ["azureml-defaults"]}]}},
                        "environmentVariables": {}}}))
    (folder / "deploymentconfig.json").write_text(json.dumps({
        "computeType": "aks", "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.5},
        "autoScaler": {"autoscaleEnabled": False}, "numReplicas": 1}))
    native = []
    for run in range(RUNS):
        start = time.monotonic()
        subprocess.run(
            ["berth", "model", "deploy", "-n", f"benchcli{run}", "-m", f"benchmodel:{model.version}",
             "--ic", str(folder / "inferenceconfig.json"), "--dc", str(folder / "deploymentconfig.json"),
             "--ct", "benchaks"], check=True, stdout=subprocess.DEVNULL)
        native.append(time.monotonic() - start)
        subprocess.run(["berth", "service", "delete", "-n", f"benchcli{run}"], check=True, stdout=subprocess.DEVNULL)

    median = statistics.median
    load = os.getloadavg()
    print(f"date {datetime.date.today()}  cores {os.cpu_count()}  load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}  runs {RUNS}")
    print(f"berth model deploy (reference), call to Healthy:   median {median(native):.2f} s  {[round(x, 2) for x in native]}")
    print(f"Model.deploy + wait_for_deployment, SDK wall:      median {median(sdk_wall):.2f} s  {[round(x, 2) for x in sdk_wall]}")
    print(f"  the same deploys on the server (created → done): median {median(sdk_server):.2f} s  {[round(x, 2) for x in sdk_server]}")
    print(f"  SDK wall less its fixed 5 s poll sleep:          median {median(sdk_wall) - 5:.2f} s")
    print(f"ratio server-side SDK deploy / berth model deploy: {median(sdk_server) / median(native):.2f}x")
    print(f"target: <= 3 s plus init() (init() here is a file read); the SDK adds its 5 s poll on top")


if __name__ == "__main__":
    main()
