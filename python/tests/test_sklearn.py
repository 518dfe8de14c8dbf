"""The sklearn-diabetes fixture: train its model into a temp folder, then score through a worker."""

import json
import os
import subprocess
import sys

from harness import corpus


def test_sklearn_diabetes_scores(ready_worker, need, tmp_path):
    need("numpy", "sklearn", "joblib")
    model_dir = tmp_path / "azureml-models" / "diabetes" / "1"
    subprocess.run([sys.executable, os.path.join(corpus("sklearn-diabetes"), "train.py"),
                    str(model_dir)], check=True, capture_output=True, timeout=300)
    assert (model_dir / "sklearn_regression_model.pkl").is_file()

    w = ready_worker(corpus("sklearn-diabetes"), model_dir=str(model_dir))
    with open(os.path.join(corpus("sklearn-diabetes"), "sample-request.json"), "rb") as f:
        sample = f.read()
    r = w.request("POST", body=sample, headers=[("Content-Type", "application/json")])
    assert r.status == 200, r.body
    predictions = r.json()
    assert isinstance(predictions, list) and len(predictions) == 2
    assert all(isinstance(p, float) for p in predictions)
    assert 0 < predictions[0] < 400 and 0 < predictions[1] < 400  # diabetes targets: 25..346
    # The script catches its own errors and returns them as a value.
    r = w.post_json({"data": "bad"})
    assert r.status == 200 and "error" in r.json()
    assert json.loads(sample)["data"]
