"""inference_schema-decorated entry scripts: swagger, 415, keyword arguments converted by the decorator."""

import json
import os
import textwrap

import pytest

from harness import corpus

TEMPLATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "berth_worker", "swagger_template.json")


@pytest.fixture
def schema_worker(ready_worker, need):
    need("numpy", "inference_schema")
    return ready_worker


def test_schema_ready_frame_carries_swagger(schema_worker):
    w = schema_worker(corpus("schema"))
    assert w.ready_header["swagger"] is True
    assert w.ready_header["schema"] is True
    assert w.ready_header["rawhttp"] is False
    doc = json.loads(w.ready_body)
    assert doc["swagger"] == "2.0"
    assert doc["info"] == {
        "title": "ML service",
        "description": "API specification for the Azure Machine Learning service ML service",
        "version": "1.0"}
    assert list(doc["paths"]) == ["/", "/score"]
    assert doc["paths"]["/score"]["post"]["operationId"] == "RunMLService"
    assert doc["paths"]["/"]["get"]["operationId"] == "ServiceHealthCheck"
    assert doc["paths"]["/score"]["post"]["security"] == [{"Bearer": []}]
    assert doc["schemes"] == ["https"]
    assert doc["definitions"]["ServiceInput"] == {
        "type": "object",
        "properties": {"data": {"type": "array", "items": {"type": "array", "items": {
            "type": "number", "format": "double"}}, "format": "numpy.ndarray"}},
        "example": {"data": [[1.0, 2.0, 3.0]]}}
    assert doc["definitions"]["ServiceOutput"] == {
        "type": "array", "items": {"type": "number", "format": "double"}, "example": [6.0],
        "format": "numpy.ndarray"}
    assert doc["definitions"]["ErrorResponse"]["properties"]["status_code"]["format"] == "int32"
    # Everything but the substitutions and the two definitions is Azure's template verbatim.
    with open(TEMPLATE) as f:
        template = json.loads(f.read().replace("$SERVICE_NAME$", "ML service")
                              .replace("$SERVICE_VERSION$", "1.0").replace("$PATH_PREFIX$", ""))
    template["definitions"]["ServiceInput"] = doc["definitions"]["ServiceInput"]
    template["definitions"]["ServiceOutput"] = doc["definitions"]["ServiceOutput"]
    assert doc == template
    # /swagger.json on the worker gives the same document.
    r = w.request("GET", path="/swagger.json")
    assert r.status == 200 and r.json() == doc


def test_swagger_substitutes_service_settings(schema_worker):
    w = schema_worker(corpus("schema"), env={"SERVICE_NAME": "svc1", "SERVICE_VERSION": "7",
                                             "SERVICE_PATH_PREFIX": "api/v1/service/svc1/"})
    doc = json.loads(w.ready_body)
    assert doc["info"]["title"] == "svc1"
    assert doc["info"]["version"] == "7"
    assert list(doc["paths"]) == ["/api/v1/service/svc1/", "/api/v1/service/svc1/score"]


def test_schema_post_converts_arguments(schema_worker):
    w = schema_worker(corpus("schema"))
    r = w.post_json({"data": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]})
    assert r.status == 200, r.body
    assert r.json() == [6.0, 15.5]  # data.sum(axis=1): only works if data became an ndarray
    r = w.request("POST", body='{"data": [[1, 2, 3]]}',
                  headers=[("content-type", "Application/JSON; charset=utf-8")])
    assert (r.status, r.json()) == (200, [6.0])


def test_schema_415_without_json_content_type(schema_worker):
    w = schema_worker(corpus("schema"))
    for headers in ([("Content-Type", "text/plain")], []):
        r = w.request("POST", body='{"data": [[1, 2, 3]]}', headers=headers)
        assert r.status == 415
        assert r.json() == {"message": "Expects Content-Type to be application/json"}
        assert r.header_value("Content-Type") == "application/json"
        assert r.run_failed is False


def test_schema_get_passes_query_as_keywords(schema_worker):
    w = schema_worker(corpus("schema"))
    r = w.request("GET", query="data=%5B%5B1%2C2%2C3%5D%2C%5B1%2C1%2C1%5D%5D")
    assert (r.status, r.json()) == (200, [6.0, 3.0])


def test_schema_wrong_keys_fail_inside_run(schema_worker):
    w = schema_worker(corpus("schema"))
    r = w.post_json({"other": 1})
    assert r.status == 500
    assert r.run_failed is True
    r = w.post_json([1, 2])
    assert r.status == 500 and r.run_failed is True


def test_schema_invalid_json_is_internal_error(schema_worker):
    w = schema_worker(corpus("schema"))
    r = w.request("POST", body="{nope", headers=[("Content-Type", "application/json")])
    assert r.status == 500
    assert r.run_failed is False
    assert r.body.startswith(b"An unexpected internal error occurred.")


def test_schema_with_request_headers_and_standard_types(schema_worker, script):
    root = script(textwrap.dedent("""
        from inference_schema.schema_decorators import input_schema, output_schema
        from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType

        def init(): pass

        @input_schema("name", StandardPythonParameterType("x"))
        @input_schema("count", StandardPythonParameterType(1))
        def run(name, count, request_headers):
            return {"out": name * count, "tenant": request_headers.get("X-Tenant")}
    """))
    w = schema_worker(root)
    assert w.ready_header["schema"] is True
    doc = json.loads(w.ready_body)
    # inference_schema itself lists every parameter of run (request_headers too), as on Azure.
    assert set(doc["definitions"]["ServiceInput"]["properties"]) == {"name", "count", "request_headers"}
    assert doc["definitions"]["ServiceOutput"] == {"type": "object"}
    r = w.request("POST", body='{"name": "ab", "count": 3}',
                  headers=[("Content-Type", "application/json"), ("x-tenant", "t")])
    assert (r.status, r.json()) == (200, {"out": "ababab", "tenant": "t"})


def test_driver_module_schema(schema_worker, script):
    # An SDK-generated wrapper: main.run(input) forwards to a decorated driver_module.run.
    root = script(textwrap.dedent("""
        import numpy as np
        from inference_schema.schema_decorators import input_schema
        from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
        import types

        driver_module = types.SimpleNamespace()

        @input_schema("rows", NumpyParameterType(np.array([[1.0]])))
        def _driver_run(rows):
            return rows.shape[0]
        driver_module.run = _driver_run

        def init(): pass

        def run(input):
            return {"received": type(input).__name__, "value": input}
    """))
    w = schema_worker(root)
    assert w.ready_header["schema"] is True and w.ready_header["swagger"] is True
    assert "rows" in json.loads(w.ready_body)["definitions"]["ServiceInput"]["properties"]
    r = w.post_json({"rows": [[1.0], [2.0]]})
    assert (r.status, r.json()) == (200, {"received": "list", "value": [[1.0], [2.0]]})


def test_swagger_json_file_without_decorators(ready_worker, script):
    root = script("def init(): pass\ndef run(raw): return raw\n")
    with open(os.path.join(root, "swagger.json"), "w") as f:
        json.dump({"swagger": "2.0", "info": {"title": "hand-written"}}, f)
    w = ready_worker(root)
    assert w.ready_header["swagger"] is True and w.ready_header["schema"] is False
    assert json.loads(w.ready_body)["info"]["title"] == "hand-written"
