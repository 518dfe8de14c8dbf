"""Turn what ``run`` returned (or raised) into the status, headers and body of a response frame.

Follows azureml-inference-server-http 0.4.13: a response object is sent as it is; any other
value is ``json.dumps``-ed as ``application/json`` with status 200 (so a ``str`` return becomes a
JSON string literal, and ``None`` becomes ``{}`` because Azure wraps it as ``AMLResponse(None)``);
a dict with ``aml_response_headers`` / ``aml_response_body`` keys is unwrapped (0.4.x only).
"""

import json

from .httptypes import AMLResponse

JSON_HEADERS = (("Content-Type", "application/json"),)
TEXT_HEADERS = (("Content-Type", "text/plain; charset=utf-8"),)
HTML_HEADERS = (("Content-Type", "text/html; charset=utf-8"),)

# Headers a response object may carry that the host sets itself.
_HOST_OWNED = frozenset(("content-length", "transfer-encoding", "connection",
                         "x-ms-run-function-failed"))

INTERNAL_ERROR_PREFIX = "An unexpected internal error occurred. Encountered Exception: "


class Reply:
    """One response: what the worker puts into the response frame."""

    __slots__ = ("status", "headers", "body", "run_failed")

    def __init__(self, status, headers, body, run_failed=False):
        self.status = status
        self.headers = headers
        self.body = body
        self.run_failed = run_failed


def wrap_result(result):
    """The reply for a value ``run`` returned."""
    if type(result) is AMLResponse:
        return _from_response(result, result.run_function_failed)
    if _is_response_like(result):
        return _from_response(result, False)
    if type(result) is dict and ("aml_response_headers" in result or "aml_response_body" in result):
        body = result.get("aml_response_body")
        headers = result.get("aml_response_headers") or {}
        return _from_response(AMLResponse(body, 200, headers, json_str=True), False)
    if result is None:
        return Reply(200, JSON_HEADERS, b"{}")
    return Reply(200, JSON_HEADERS, json.dumps(result).encode("utf-8"))


def json_reply(status, value):
    """A JSON reply produced by the worker itself (415, 405, swagger, ...)."""
    return Reply(status, JSON_HEADERS, json.dumps(value).encode("utf-8"))


def run_failed_reply(exc):
    """``run`` raised: 500 with ``str(exception)``, flagged as a failure of the run function."""
    return Reply(500, TEXT_HEADERS, str(exc).encode("utf-8", "replace"), run_failed=True)


def internal_error_reply(traceback_text):
    """Any other failure while serving a request (Azure's catch-all handler)."""
    return Reply(500, TEXT_HEADERS,
                 (INTERNAL_ERROR_PREFIX + traceback_text).encode("utf-8", "replace"))


def _is_response_like(value):
    # A Flask/werkzeug Response (when a real Azure SDK provided AMLResponse) or similar.
    return (hasattr(value, "status_code") and hasattr(value, "get_data")
            and hasattr(value, "headers"))


def _from_response(resp, run_failed):
    headers = [(k, v) for k, v in resp.headers if k.lower() not in _HOST_OWNED]
    body = resp.get_data()
    if not isinstance(body, (bytes, bytearray)):
        body = str(body).encode("utf-8")
    return Reply(int(resp.status_code), headers, body, run_failed)
