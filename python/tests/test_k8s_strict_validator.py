"""The strict check of sent objects uses the official schemas of the version the double played."""

import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from k8s_validator.strict import validate_folder  # noqa: E402

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2.0,  # JSON numbers written by Swift's Double are still integers to the schema
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [{
                    "name": "web",
                    "image": "nginx",
                    "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
                }],
            },
        },
    },
}


def check(tmp_path, *entries):
    for index, entry in enumerate(entries):
        (tmp_path / f"{index:05}.json").write_text(json.dumps(entry))
    return validate_folder(str(tmp_path))


def entry(sent, version="1.31"):
    return {"request": "POST /apis/apps/v1/namespaces/default/deployments", "kubernetesVersion": version,
            "object": sent}


def test_a_valid_object_passes(tmp_path):
    assert check(tmp_path, entry(DEPLOYMENT)) == (1, [])


def test_an_unknown_field_is_an_error_with_its_path_and_the_object(tmp_path):
    sent = copy.deepcopy(DEPLOYMENT)
    sent["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    count, report = check(tmp_path, entry(sent))
    assert count == 1
    assert report[0].startswith("POST /apis/apps/v1/namespaces/default/deployments (Deployment default/web")
    assert "spec.template.spec.containers[0]: Additional properties are not allowed ('imagePullPolicyy'" in report[1]
    assert report[-1].startswith("  object: {")


def test_the_version_decides_which_fields_exist(tmp_path):
    # The sleep preStop action came with 1.29's schema (on by default from 1.30).
    count, report = check(tmp_path, entry(DEPLOYMENT, version="1.28"))
    assert any("preStop: Additional properties are not allowed ('sleep'" in line for line in report), report


def test_a_wrong_type_is_an_error(tmp_path):
    sent = copy.deepcopy(DEPLOYMENT)
    sent["spec"]["replicas"] = "three"
    _, report = check(tmp_path, entry(sent))
    assert any(line.startswith("  spec.replicas: 'three' is not of type") for line in report), report
