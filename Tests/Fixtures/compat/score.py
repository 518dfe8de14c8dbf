# The entry scripts of compat.md §10 in one file: MODE (an environmentVariables entry of the
# inference config) picks what run() does, so one fixture covers the compatibility cases.
#   sum    - the plain script: {"data": [[1, 2], [3, 4]]} -> [3, 7]
#   string - returns a JSON string, which the server encodes again
#   raise  - raises ValueError("boom")
#   sleep  - sleeps SLEEP_S seconds, then returns {"slept": SLEEP_S}
#   echo   - returns its input string as is
import json
import os
import time

mode = None


def init():
    global mode
    mode = os.environ.get("MODE", "sum")


def run(raw):
    if mode == "sum":
        d = json.loads(raw)["data"]
        return [sum(r) for r in d]
    if mode == "string":
        return json.dumps({"r": 1})
    if mode == "raise":
        raise ValueError("boom")
    if mode == "sleep":
        seconds = float(os.environ.get("SLEEP_S", "5"))
        time.sleep(seconds)
        return {"slept": seconds}
    return raw
