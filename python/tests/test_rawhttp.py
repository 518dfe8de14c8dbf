"""``@rawhttp`` entry scripts: AMLRequest in, AMLResponse out, large and binary bodies."""

import hashlib
import json
import textwrap
import time

from harness import corpus

MB = 1024 * 1024

ECHO_RAW = textwrap.dedent("""
    import hashlib
    from azureml.contrib.services.aml_request import AMLRequest, rawhttp
    from azureml.contrib.services.aml_response import AMLResponse

    def init(): pass

    @rawhttp
    def run(request):
        body = request.get_data(False)
        assert isinstance(body, bytes)
        if request.headers.get("X-Mode") == "digest":
            return {"sha256": hashlib.sha256(body).hexdigest(), "length": len(body)}
        return AMLResponse(body, 201, {"Content-Type": "application/octet-stream"})
""")


def test_rawhttp_ready_and_post(ready_worker):
    w = ready_worker(corpus("rawhttp"))
    assert w.ready_header["rawhttp"] is True
    assert w.ready_header["swagger"] is False
    r = w.request("POST", body=b"12345", headers=[("x-tenant", "acme"), ("Content-Type", "text/plain")])
    assert r.status == 200
    assert r.json() == {"length": 5, "tenant": "acme"}
    assert r.header_values("Content-Type") == ["application/json"]
    assert r.run_failed is False


def test_rawhttp_get_and_options_reach_run(ready_worker):
    w = ready_worker(corpus("rawhttp"))
    r = w.request("GET", query="a=1")
    assert (r.status, r.body) == (405, b"use POST")
    assert r.header_value("Content-Type") == "text/html; charset=utf-8"
    r = w.request("OPTIONS")
    assert (r.status, r.body) == (500, b"bad request")
    assert r.run_failed is False  # a response the script built itself is not a run failure


def test_rawhttp_100mb_body_length(ready_worker):
    w = ready_worker(corpus("rawhttp"))
    body = b"\x00\x01\xfe\xff" * (25 * MB)  # 100 MB, not UTF-8
    started = time.monotonic()
    r = w.request("POST", body=body, headers=[("X-Tenant", "big")])
    elapsed = time.monotonic() - started
    assert r.status == 200
    assert r.json() == {"length": 100 * MB, "tenant": "big"}
    assert elapsed < 30, f"100 MB round trip took {elapsed:.1f} s"
    # The worker is still in step with the host afterwards.
    assert w.request("POST", body=b"x").json() == {"length": 1, "tenant": "none"}


def test_binary_body_round_trip_exact(ready_worker, script):
    w = ready_worker(script(ECHO_RAW))
    body = bytes(range(256)) * 4099 + b"\xc3\x28\xa0\xa1"
    r = w.request("POST", body=body)
    assert r.status == 201
    assert r.body == body
    assert r.header_values("Content-Type") == ["application/octet-stream"]


def test_100mb_response_body_round_trip(ready_worker, script):
    w = ready_worker(script(ECHO_RAW))
    body = hashlib.sha256(b"seed").digest() * (100 * MB // 32)
    r = w.request("POST", body=body)
    assert r.status == 201
    assert len(r.body) == len(body)
    assert r.body == body
    r = w.request("POST", body=body[:12345], headers=[("X-Mode", "digest")])
    assert r.json() == {"sha256": hashlib.sha256(body[:12345]).hexdigest(), "length": 12345}


def test_small_and_large_bodies_interleaved(ready_worker, script):
    w = ready_worker(script(ECHO_RAW))
    for size in (0, 1, 255 * 1024, 256 * 1024, 256 * 1024 + 1, 3 * MB + 7, 10, 0):
        body = bytes((i * 7) % 251 for i in range(min(size, 4096))) * (size // 4096 + 1)
        body = body[:size]
        r = w.request("POST", body=body, headers=[("X-Mode", "digest")])
        assert r.json() == {"sha256": hashlib.sha256(body).hexdigest(), "length": size}, size


def test_aml_request_api(ready_worker, script):
    root = script(textwrap.dedent("""
        from azureml.contrib.services.aml_request import AMLRequest, rawhttp

        def init(): pass

        @rawhttp
        def run(request):
            return {
                "method": request.method,
                "path": request.path,
                "full_path": request.full_path,
                "query_string": request.query_string.decode(),
                "a": request.args.get("a"),
                "a_list": request.args.getlist("a"),
                "missing": request.args.get("zzz", "dflt"),
                "ct": request.content_type,
                "mimetype": request.mimetype,
                "json": request.get_json(),
                "json_prop": request.json,
                "data": request.data.decode(),
                "text": request.get_data(as_text=True),
                "header_ci": request.headers.get("x-CUSTOM"),
                "has_header": "X-Custom" in request.headers,
                "headers_dict": dict(request.headers),
                "url": request.url,
            }
    """))
    w = ready_worker(root)
    r = w.request("POST", query="a=1&a=2&b=%20x", body='{"k": [1, 2]}',
                  headers=[("Content-Type", "application/json; charset=utf-8"), ("X-Custom", "v"),
                           ("Host", "svc.example")])
    assert r.status == 200, r.body
    assert r.json() == {
        "method": "POST", "path": "/score", "full_path": "/score?a=1&a=2&b=%20x",
        "query_string": "a=1&a=2&b=%20x", "a": "1", "a_list": ["1", "2"], "missing": "dflt",
        "ct": "application/json; charset=utf-8", "mimetype": "application/json",
        "json": {"k": [1, 2]}, "json_prop": {"k": [1, 2]}, "data": '{"k": [1, 2]}',
        "text": '{"k": [1, 2]}', "header_ci": "v", "has_header": True,
        "headers_dict": {"Content-Type": "application/json; charset=utf-8", "X-Custom": "v",
                         "Host": "svc.example"},
        "url": "http://svc.example/score?a=1&a=2&b=%20x",
    }
    r = w.request("POST", body="not json", headers=[("Content-Type", "text/plain")])
    assert r.json()["json"] is None


def test_aml_response_forms(ready_worker, script):
    root = script(textwrap.dedent("""
        from azureml.contrib.services.aml_request import rawhttp
        from azureml.contrib.services.aml_response import AMLResponse

        def init(): pass

        @rawhttp
        def run(request):
            kind = request.args.get("kind")
            if kind == "json":
                return AMLResponse({"a": 1}, 202, json_str=True)
            if kind == "none":
                return AMLResponse(None, 204)
            if kind == "commas":
                return AMLResponse("x", 200, {"Cache-Control": "no-cache, no-store", "X-One": "1"})
            if kind == "keywords":
                return AMLResponse(response=b"kw", status=418, headers={"X-K": "v"})
            if kind == "plain":
                return [1, "two"]
            raise KeyError(kind)
    """))
    w = ready_worker(root)
    r = w.request("GET", query="kind=json")
    assert (r.status, r.json(), r.header_values("Content-Type")) == (202, {"a": 1}, ["application/json"])
    r = w.request("GET", query="kind=none")
    assert (r.status, r.body) == (204, b"{}")
    r = w.request("GET", query="kind=commas")
    assert r.header_values("Cache-Control") == ["no-cache", "no-store"]
    assert r.header_values("X-One") == ["1"]
    assert r.header_values("Content-Type") == ["text/html; charset=utf-8"]
    assert not r.header_values("x-ms-run-function-failed")  # the host adds it
    r = w.request("GET", query="kind=keywords")
    assert (r.status, r.body, r.header_value("X-K")) == (418, b"kw", "v")
    r = w.request("GET", query="kind=plain")
    assert (r.status, r.json()) == (200, [1, "two"])
    r = w.request("GET", query="kind=other")
    assert (r.status, r.body, r.run_failed) == (500, b"'other'", True)


def test_shims_are_last_on_sys_path_and_app_root_first(ready_worker, script):
    root = script(textwrap.dedent("""
        import sys
        import azureml.contrib.services.aml_request as m
        def init(): pass
        def run(raw):
            return {"shim_last": sys.path[-1].endswith("_shims"), "module": m.__file__,
                    "app_root_first": sys.path[0]}
    """))
    w = ready_worker(root)
    got = w.post_json({}).json()
    assert got["shim_last"] is True
    assert got["module"].endswith("_shims/azureml/contrib/services/aml_request.py")
    assert got["app_root_first"] == root


def test_installed_azure_sdk_wins_over_shims(ready_worker, script, tmp_path):
    # A stand-in "real SDK" earlier on sys.path: its azureml.core.model must be the one imported,
    # while azureml.contrib.services (absent from it) still comes from the shims.
    sdk = tmp_path / "sdk"
    (sdk / "azureml" / "core").mkdir(parents=True)
    (sdk / "azureml" / "__init__.py").write_text(
        "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n")
    (sdk / "azureml" / "core" / "__init__.py").write_text("")
    (sdk / "azureml" / "core" / "model.py").write_text(
        "class Model:\n    @staticmethod\n    def get_model_path(name, version=None):\n"
        "        return 'REAL SDK'\n")
    root = script(textwrap.dedent("""
        from azureml.core.model import Model
        from azureml.contrib.services.aml_response import AMLResponse
        def init(): pass
        def run(raw):
            return AMLResponse(Model.get_model_path("m"), 200)
    """))
    from harness import PYTHON_DIR
    w = ready_worker(root, env={"PYTHONPATH": f"{PYTHON_DIR}:{sdk}"})
    assert w.post_json({}).body == b"REAL SDK"
