"""Model data collection as AKS entry scripts do it: inputs and predictions, joined by correlation id.

`azureml.monitoring` is Berth's stand-in; rows go to CSV files under $BERTH_HOME/modeldata when the
deployment config sets "dataCollection": {"storageEnabled": true}.
"""
import json

from azureml.monitoring import ModelDataCollector


def init():
    global inputs_dc, prediction_dc
    inputs_dc = ModelDataCollector("echo-model", designation="inputs", feature_names=["x1", "x2"])
    prediction_dc = ModelDataCollector("echo-model", designation="predictions", feature_names=["sum"])


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    sums = []
    for row in rows:
        correlations = inputs_dc.collect(row)
        sums.append(sum(row))
        prediction_dc.collect(prediction_dc.add_correlations([sums[-1]], correlations))
    return sums
