"""The manifest validator rejects what a Kubernetes API server would reject, and passes the rest."""

import copy
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from k8s_validator import ManifestError, validate, validate_all  # noqa: E402

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [{
                    "name": "web",
                    "image": "nginx",
                    "ports": [{"containerPort": 80, "name": "http"}],
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}},
                }],
            },
        },
    },
}


def problems_of(manifest):
    with pytest.raises(ManifestError) as caught:
        validate(manifest)
    return caught.value.problems


def test_a_valid_deployment_passes():
    validate(DEPLOYMENT)
    assert validate_all([DEPLOYMENT]) == []


def test_an_unknown_field_is_rejected_with_its_path():
    manifest = copy.deepcopy(DEPLOYMENT)
    manifest["spec"]["template"]["spec"]["containers"][0]["imagePolicy"] = "Always"
    assert problems_of(manifest) == [
        "Deployment/web.spec.template.spec.containers[0].imagePolicy: unknown field of V1Container"]


def test_a_snake_case_name_is_unknown():
    manifest = copy.deepcopy(DEPLOYMENT)
    manifest["spec"]["template"]["spec"]["containers"][0]["image_pull_policy"] = "Always"
    assert "unknown field" in problems_of(manifest)[0]


def test_a_number_where_a_quantity_string_belongs_is_a_wrong_type():
    manifest = copy.deepcopy(DEPLOYMENT)
    manifest["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = 0.1
    assert problems_of(manifest) == [
        "Deployment/web.spec.template.spec.containers[0].resources.requests.cpu: expected str, got float 0.1"]


def test_a_string_where_an_int_belongs_is_a_wrong_type():
    manifest = copy.deepcopy(DEPLOYMENT)
    manifest["spec"]["replicas"] = "2"
    assert "spec.replicas: expected int" in problems_of(manifest)[0]


def test_int_or_string_fields_take_both():
    manifest = copy.deepcopy(DEPLOYMENT)
    manifest["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = 5001
    validate(manifest)


def test_a_missing_required_field_is_rejected():
    manifest = copy.deepcopy(DEPLOYMENT)
    del manifest["spec"]["template"]["spec"]["containers"][0]["name"]
    del manifest["spec"]["selector"]
    problems = problems_of(manifest)
    assert "Deployment/web.spec.selector: required field of V1DeploymentSpec is missing" in problems
    assert "Deployment/web.spec.template.spec.containers[0].name: required field of V1Container is missing" in problems


def test_a_list_where_an_object_belongs_is_rejected():
    manifest = copy.deepcopy(DEPLOYMENT)
    manifest["metadata"]["labels"] = ["app=web"]
    assert problems_of(manifest) == ["Deployment/web.metadata.labels: expected a map, got list"]


def test_a_kind_under_the_wrong_api_version_is_rejected():
    manifest = copy.deepcopy(DEPLOYMENT)
    manifest["apiVersion"] = "v1"
    assert "belongs to apiVersion apps/v1" in problems_of(manifest)[0]


def test_an_object_without_a_name_is_rejected():
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}, "data": {"a": "b"}}
    assert problems_of(manifest) == ["ConfigMap/?.metadata.name: required to create the object"]


def test_the_command_line_exits_1_with_problems_and_0_without(tmp_path):
    bad = copy.deepcopy(DEPLOYMENT)
    bad["spec"]["paused"] = "yes"
    path = tmp_path / "manifests.json"
    path.write_text(json.dumps([DEPLOYMENT, bad]))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "-m", "k8s_validator", str(path)], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert result.stdout.strip() == "Deployment/web.spec.paused: expected bool, got str 'yes'"
    path.write_text(json.dumps(DEPLOYMENT))
    result = subprocess.run([sys.executable, "-m", "k8s_validator", str(path)], capture_output=True, text=True, env=env)
    assert (result.returncode, result.stdout.strip()) == (0, "1 manifests valid")
