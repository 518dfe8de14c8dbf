# An entry script whose environment needs a package (six) that the runtime image does not have:
# on Kubernetes it runs only if the Pod's venv was built with it.
import json
import sys

import six


def init():
    pass


def run(raw_data):
    return {"six": six.__version__, "prefix": sys.prefix, "echo": json.loads(raw_data)}
