"""Plain ``run(raw_data)`` entry scripts: body as text, JSON-wrapped output, errors, GET queries."""

import json
import textwrap
import time

from harness import corpus


def test_echo_ready_and_post(ready_worker, tmp_path):
    model_dir = tmp_path / "echo-model" / "1"
    model_dir.mkdir(parents=True)
    w = ready_worker(corpus("echo"), model_dir=str(model_dir))
    assert w.ready_header["swagger"] is False
    assert w.ready_header["rawhttp"] is False
    assert w.ready_header["schema"] is False
    assert w.ready_body == b""

    r = w.post_json({"data": [[1, 2], [3, 4]]})
    assert r.status == 200
    assert r.header_value("Content-Type") == "application/json"
    assert r.run_failed is False
    assert isinstance(r.exec_ms, float) and r.exec_ms >= 0
    assert r.json() == {"echo": {"data": [[1, 2], [3, 4]]}, "greeting": "hello from 1"}
    assert w.close() == 0


def test_plain_run_gets_body_without_content_type_check(ready_worker):
    w = ready_worker(corpus("echo"))
    r = w.request("POST", body='{"x": "caf\u00e9"}', headers=[("Content-Type", "text/plain")])
    assert r.status == 200
    assert r.json()["echo"] == {"x": "caf\u00e9"}


def test_get_query_string_is_parsed_like_azure(ready_worker, script):
    # compat.md §10 case 9: the run receives the string {"a": [1, 2], "b": "x"}.
    root = script("def init(): pass\ndef run(raw):\n    return raw\n")
    w = ready_worker(root)
    r = w.request("GET", query="a=1&a=2&b=x")
    assert r.status == 200
    assert r.body == json.dumps(json.dumps({"a": [1, 2], "b": "x"})).encode()
    assert json.loads(r.json()) == {"a": [1, 2], "b": "x"}


def test_get_query_keys_are_case_sensitive_and_values_decoded(ready_worker, script):
    root = script("def init(): pass\ndef run(raw):\n    return raw\n")
    w = ready_worker(root)
    r = w.request("GET", query="foo=bar1&Foo=bar2&n=%7B%22k%22%3A1%7D&s=a+b&e=")
    assert json.loads(r.json()) == {"foo": "bar1", "Foo": "bar2", "n": {"k": 1}, "s": "a b", "e": ""}
    r = w.request("GET")
    assert json.loads(r.json()) == {}


def test_string_return_is_double_encoded(ready_worker, script):
    # compat.md §10 case 3.
    root = script("import json\ndef init(): pass\ndef run(raw):\n    return json.dumps({'r': 1})\n")
    w = ready_worker(root)
    r = w.post_json({"data": 1})
    assert r.status == 200
    assert r.body == b'"{\\"r\\": 1}"'


def test_none_return_is_empty_object(ready_worker, script):
    root = script("def init(): pass\ndef run(raw):\n    return None\n")
    r = ready_worker(root).post_json({})
    assert (r.status, r.body) == (200, b"{}")


def test_aml_response_dict_keys_are_unwrapped(ready_worker, script):
    root = script(textwrap.dedent("""
        def init(): pass
        def run(raw):
            return {"aml_response_headers": {"X-Kind": "a,b"}, "aml_response_body": {"v": 1}}
    """))
    r = ready_worker(root).post_json({})
    assert r.status == 200
    assert r.json() == {"v": 1}
    assert r.header_values("X-Kind") == ["a", "b"]


def test_run_exception_is_500_with_message(ready_worker):
    # compat.md §10 case 5 at the container: 500, body "boom"-style str(exception), runFailed.
    w = ready_worker(corpus("failing"))
    r = w.post_json({"fail": True})
    assert r.status == 500
    assert r.body == b"run failed on purpose"
    assert r.run_failed is True
    assert r.header_value("Content-Type") == "text/plain; charset=utf-8"
    assert w.wait_for_stderr("ValueError: run failed on purpose")
    ok = w.post_json({"fail": False})
    assert (ok.status, ok.json(), ok.run_failed) == (200, {"ok": True}, False)


def test_invalid_utf8_body_is_internal_error_not_run_failure(ready_worker):
    w = ready_worker(corpus("echo"))
    r = w.request("POST", body=b"\xff\xfe\x00garbage")
    assert r.status == 500
    assert r.run_failed is False
    assert r.body.startswith(b"An unexpected internal error occurred. Encountered Exception: ")
    assert b"UnicodeDecodeError" in r.body
    assert w.post_json({"still": "alive"}).status == 200


def test_unserialisable_return_is_internal_error(ready_worker, script):
    root = script("def init(): pass\ndef run(raw):\n    return object()\n")
    r = ready_worker(root).post_json({})
    assert r.status == 500
    assert r.run_failed is False
    assert b"is not JSON serializable" in r.body


def test_request_headers_parameter(ready_worker, script):
    root = script(textwrap.dedent("""
        def init(): pass
        def run(data, request_headers):
            return {"data": data, "headers": request_headers}
    """))
    w = ready_worker(root)
    r = w.request("POST", body="hi", headers=[("x-tenant", "t1"), ("FOO", "bAr"), ("foO", "raB"),
                                              ("Content-Type", "text/plain")])
    assert r.status == 200
    got = r.json()
    assert got["data"] == "hi"
    assert got["headers"] == {"X-Tenant": "t1", "Foo": "bAr, raB", "Content-Type": "text/plain"}


def test_request_headers_first_parameter(ready_worker, script):
    root = script("def init(): pass\ndef run(request_headers, payload):\n"
                  "    return [payload, request_headers.get('X-A')]\n")
    r = ready_worker(root).request("POST", body="p", headers=[("X-A", "1")])
    assert r.json() == ["p", "1"]


def test_print_output_does_not_corrupt_the_channel(ready_worker, script):
    root = script(textwrap.dedent("""
        import os, sys
        def init():
            print("printed during init")
        def run(raw):
            print("printed during run", raw)
            print("no newline", end="")
            sys.stdout.write("x" * 100000)
            sys.stdout.flush()
            os.write(1, b"raw fd 1 write\\n")
            os.system("echo from a child process")
            return {"ok": sys.stdin.read()}
    """))
    w = ready_worker(root)
    for i in range(3):
        r = w.request("POST", body=f"req{i}")
        assert (r.status, r.json()) == (200, {"ok": ""})
    assert w.wait_for_stderr("printed during run req2")
    assert w.wait_for_stderr("from a child process")
    assert "printed during init" in w.stderr_text
    assert "raw fd 1 write" in w.stderr_text
    assert w.close() == 0


def test_slow_script_reports_exec_time(ready_worker):
    w = ready_worker(corpus("slow"), env={"SLEEP_MS": "150"})
    r = w.post_json({})
    assert r.status == 200
    assert r.json()["slept_ms"] >= 150
    assert 150 <= r.exec_ms < 2000
    assert r.json()["pid"] == w.proc.pid


def test_options_and_other_methods_and_paths(ready_worker):
    w = ready_worker(corpus("echo"))
    r = w.request("OPTIONS")
    assert (r.status, r.body) == (405, b'"Method not allowed"')
    r = w.request("PUT", body="{}")
    assert r.status == 405 and r.header_value("Allow") == "GET, HEAD, OPTIONS, POST"
    r = w.request("GET", path="/nope")
    assert r.status == 404 and b"Not Found" in r.body
    r = w.request("GET", path="/")
    assert (r.status, r.body) == (200, b"Healthy")
    r = w.request("GET", path="/swagger.json")
    assert (r.status, r.body) == (404, b'"Swagger not found"')


def test_many_requests_in_order(ready_worker):
    w = ready_worker(corpus("echo"))
    for i in range(300):
        r = w.post_json({"i": i, "pad": "y" * (i * 1000)})
        assert r.status == 200
        assert r.json()["echo"]["i"] == i


def test_eof_exits_zero(ready_worker):
    w = ready_worker(corpus("echo"))
    assert w.close() == 0


def test_eof_without_any_request_exits_zero(spawn):
    # The host may close stdin before it has even read the ready frame.
    w = spawn(corpus("echo"))
    assert w.close() == 0
    header, _ = w.ready()
    assert header["type"] == "ready"


def test_run_start_is_reported_for_the_trace_span(ready_worker, script):
    # The host places its run() span from runStartUs and execMs (docs/worker-protocol.md).
    root = script("import time\ndef init(): pass\ndef run(raw):\n    time.sleep(0.05)\n    return raw\n")
    w = ready_worker(root)
    before_us = time.time_ns() // 1000
    r = w.post_json({"n": 1})
    after_us = time.time_ns() // 1000
    assert r.status == 200 and r.exec_ms >= 50
    start_us = r.header["runStartUs"]
    assert before_us <= start_us and start_us + r.exec_ms * 1000 <= after_us + 1
    # A request that never calls run() has no start.
    assert "runStartUs" not in w.request("OPTIONS").header
