"""``azureml.monitoring.ModelDataCollector`` (Berth's stand-in) through real workers and real files."""

import csv
import datetime
import json
import textwrap

SCRIPT = textwrap.dedent("""
    import json
    from azureml.monitoring import ModelDataCollector

    def init():
        global inputs_dc, prediction_dc, general_dc
        inputs_dc = ModelDataCollector("diabetes", designation="inputs", feature_names=["a", "b"])
        prediction_dc = ModelDataCollector("diabetes", designation="predictions", feature_names=["y"])
        general_dc = ModelDataCollector("diabetes", designation="nonsense")

    def run(raw):
        rows = json.loads(raw)["data"]
        correlations = None
        for row in rows:
            correlations = inputs_dc.collect(row)
            prediction_dc.collect(prediction_dc.add_correlations([sum(row)], correlations))
        general_dc.collect([1])
        return {"correlations": correlations}
""")


CORRELATION_HEADERS = ["$aml_dc_correlation_id", "$aml_dc_scoring_timestamp", "$aml_dc_boundary", "$aml_workspace",
                       "$aml_service_name", "$aml_model_name", "$aml_model_version", "$aml_request_id"]


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_rows_go_to_the_days_files_with_correlations(ready_worker, script, tmp_path):
    data = tmp_path / "modeldata"
    w = ready_worker(script(SCRIPT), env={
        "AML_MODEL_DC_STORAGE_ENABLED": "true", "BERTH_MODEL_DATA_DIR": str(data), "SERVICE_NAME": "diab-svc"})
    r = w.post_json({"data": [[1, 2], [3, 4]]}, headers=(("Content-Type", "application/json"),
                                                         ("x-ms-request-id", "req-42")))
    assert r.status == 200, r.body
    correlations = r.json()["correlations"]
    assert correlations["$aml_request_id"] == "req-42"
    assert correlations["$aml_service_name"] == "diab-svc"
    assert correlations["$aml_dc_boundary"] == 1440
    w.post_json({"data": [[5, 6]]})

    day = datetime.datetime.utcnow()
    folder = data / "default" / "default" / "default" / "diab-svc" / "diabetes" / "default"
    dated = lambda designation: folder / designation / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
    inputs = _rows(dated("inputs") / "inputs.csv")
    assert inputs[0] == ["a", "b"] + CORRELATION_HEADERS, "one header row, then data"
    assert [row[:2] for row in inputs[1:]] == [["1", "2"], ["3", "4"], ["5", "6"]]
    assert inputs[2][2] == correlations["$aml_dc_correlation_id"]
    assert inputs[2][9] == "req-42" and inputs[3][9] == "00000000-0000-0000-0000-000000000000"
    predictions = _rows(dated("predictions") / "predictions.csv")
    assert predictions[0] == ["y"] + CORRELATION_HEADERS
    assert [row[0] for row in predictions[1:]] == ["3", "7", "11"]
    assert predictions[2][1] == correlations["$aml_dc_correlation_id"], "joined to its input row"
    # An unknown designation disables that collector only.
    assert not (folder / "general").exists()
    w.close()
    assert "Incorrect designation value. Supported values: 'default', 'inputs', 'predictions', 'labels', " \
           "'signals', 'general'" in w.stderr_text
    assert (dated("inputs") / "inputs.csv").stat().st_mode & 0o777 == 0o600


def test_not_enabled_prints_azures_message_and_collects_nothing(ready_worker, script, tmp_path):
    data = tmp_path / "modeldata"
    w = ready_worker(script(SCRIPT), env={"BERTH_MODEL_DATA_DIR": str(data)})
    r = w.post_json({"data": [[1, 2]]})
    assert r.status == 200, r.body
    assert r.json() == {"correlations": None}
    assert not data.exists()
    w.close()
    assert "Data collection is not enabled. Set environment variable AML_MODEL_DC_STORAGE_ENABLED to 'true' " \
           "to enable (http://aka.ms/amlmodeldatacollection)." in w.stderr_text


def test_debug_mode_prints_rows(ready_worker, script):
    w = ready_worker(script(SCRIPT), env={"AML_MODEL_DC_DEBUG": "true"})
    assert w.post_json({"data": [[8, 9]]}).status == 200
    w.close()
    assert "Data collection is in debug mode." in w.stderr_text
    assert any(line.startswith("8,9,") for line in w.stderr_text.splitlines())


NUMPY_SCRIPT = textwrap.dedent("""
    import numpy as np
    from azureml.monitoring import ModelDataCollector

    def init():
        global dc
        dc = ModelDataCollector("m", designation="inputs", model_version=3)

    def run(raw):
        dc.collect(np.array([[1.5, 2.5], [3.5, 4.5]]))
        dc.collect(np.array([7, 8]))
        return "ok"
""")


def test_numpy_rows(ready_worker, script, tmp_path):
    data = tmp_path / "modeldata"
    w = ready_worker(script(NUMPY_SCRIPT), env={"AML_MODEL_DC_STORAGE_ENABLED": "true",
                                                "BERTH_MODEL_DATA_DIR": str(data), "SERVICE_NAME": "np-svc"})
    assert w.post_json({}).status == 200
    [path] = list((data / "default" / "default" / "default" / "np-svc" / "m" / "3" / "inputs").rglob("inputs.csv"))
    rows = _rows(path)
    assert [row[:2] for row in rows] == [["1.5", "2.5"], ["3.5", "4.5"], ["7", "8"]], "no header without feature names"
    assert all(row[6] == "np-svc" and row[7] == "m" and row[8] == "3" for row in rows)
