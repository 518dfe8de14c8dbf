"""Build the service's swagger 2.0 document the way azureml-inference-server-http 0.4.13 does.

The template (``swagger_template.json``, copied from that package) gets ``$SERVICE_NAME$``,
``$SERVICE_VERSION$`` and ``$PATH_PREFIX$`` substituted; ``definitions.ServiceInput`` and
``ServiceOutput`` come from the inference_schema decorators of ``run`` (or of
``driver_module.run``). Without decorators, ``$AML_APP_ROOT/swagger.json`` is used if it exists.
"""

import json
import os

_TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "swagger_template.json")


def build_swagger(spec, app_root, environ=os.environ):
    """Return the swagger document as a dict, or ``None`` when the service has none."""
    if spec.schema:
        try:
            return _generate(spec, environ)
        except Exception:  # Azure swallows generation errors and falls back to the file
            pass
    path = os.path.join(app_root, "swagger.json")
    if os.path.exists(path):
        with open(path, "r") as f:
            return json.load(f)
    return None


def _generate(spec, environ):
    from inference_schema.schema_util import get_input_schema, get_output_schema

    service_name = environ.get("SERVICE_NAME", "ML service")
    service_version = environ.get("SERVICE_VERSION", "1.0")
    prefix = environ.get("SERVICE_PATH_PREFIX", "")
    if prefix and not prefix.startswith("/"):
        prefix = "/" + prefix
    prefix = prefix.rstrip("/")

    with open(_TEMPLATE, "r") as f:
        text = f.read()
    text = (text.replace("$SERVICE_NAME$", service_name)
                .replace("$SERVICE_VERSION$", service_version)
                .replace("$PATH_PREFIX$", prefix))
    doc = json.loads(text)
    decorated = spec.module.driver_module.run if spec.wrapped else spec.module.run
    doc["definitions"]["ServiceInput"] = get_input_schema(decorated)
    doc["definitions"]["ServiceOutput"] = get_output_schema(decorated)
    return doc
