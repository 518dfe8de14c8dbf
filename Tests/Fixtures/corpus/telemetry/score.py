# Request telemetry fixture: run() raises for inputs with "fail", with the value in the message, so
# a test can match each failed request's recorded exception to the request that caused it.
import json


def init():
    pass


def run(raw_data):
    data = json.loads(raw_data)
    if "fail" in data:
        raise ValueError("telemetry test failure " + str(data["fail"]))
    return {"ok": data.get("n")}
