"""Serve one request frame: route it, build ``run``'s arguments for the input mode, call ``run``.

Routes and input modes follow azureml-inference-server-http 0.4.13 (compat.md §7.3):

* ``/score`` POST, GET (and HEAD), OPTIONS (only ``@rawhttp`` scripts get OPTIONS; others 405).
* ``/`` answers ``Healthy`` and ``/swagger.json`` the swagger document (or 404 ``"Swagger not
  found"``), so a worker is complete on its own even though the host may answer these itself.
* Any other path is a 404 and any other method a 405, with werkzeug's HTML pages.

This is the per-request hot path: no logging unless something fails, no work for features
the entry script does not use.
"""

import json
import logging
import time
import traceback

from . import output, requestcontext
from .httptypes import AMLRequest, Headers, parse_query
from .output import Reply

log = logging.getLogger("berth_worker")
_perf = time.perf_counter

_NOT_FOUND_HTML = (
    b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n'
    b"<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL "
    b"manually please check your spelling and try again.</p>\n")
_NOT_ALLOWED_HTML = (
    b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>405 Method Not Allowed</title>\n'
    b"<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n")
_UNSUPPORTED_MEDIA = {"message": "Expects Content-Type to be application/json"}


class RequestHandler:
    """Calls the entry script's ``run`` for request frames, as its input mode requires."""

    def __init__(self, spec, swagger_doc):
        self.spec = spec
        self.run = spec.run
        self.swagger_doc = swagger_doc
        # When the last ``run`` call returned, in microseconds since the epoch (None: the last
        # request did not call ``run``). The host places its ``run()`` span from it and ``execMs``.
        self.run_ended_us = None

    def handle(self, header, body):
        """Return ``(reply, exec_ms)`` for one request frame; never raises for a bad request."""
        self.run_ended_us = None
        try:
            requestcontext.begin(header.get("headers"))
            path = header.get("path", "/score")
            method = header.get("method", "POST").upper()
            if path == "/score":
                if method == "POST":
                    return self._score_post(header, body)
                if method == "GET":
                    return self._score_get(header, body)
                if method == "HEAD":
                    reply, ms = self._score_get(header, body)
                    reply.body = b""
                    return reply, ms
                if method == "OPTIONS":
                    if self.spec.rawhttp:
                        return self._invoke(self._request(header, body), header)
                    return output.json_reply(405, "Method not allowed"), 0.0
                return _not_allowed("GET, HEAD, OPTIONS, POST"), 0.0
            if path == "/":
                if method in ("GET", "HEAD"):
                    return Reply(200, output.HTML_HEADERS, b"Healthy" if method == "GET" else b""), 0.0
                return _not_allowed("GET, HEAD, OPTIONS"), 0.0
            if path == "/swagger.json":
                if method not in ("GET", "HEAD"):
                    return _not_allowed("GET, HEAD, OPTIONS"), 0.0
                if self.swagger_doc is not None:
                    return output.json_reply(200, self.swagger_doc), 0.0
                return output.json_reply(404, "Swagger not found"), 0.0
            return Reply(404, output.HTML_HEADERS, _NOT_FOUND_HTML), 0.0
        except Exception:
            text = traceback.format_exc()
            log.error("Encountered Exception: %s", text)
            return output.internal_error_reply(text), 0.0

    # --- /score ----------------------------------------------------------------------------
    def _score_post(self, header, body):
        spec = self.spec
        if spec.rawhttp:
            return self._invoke(self._request(header, body), header)
        if spec.schema:
            if _media_type(header.get("headers") or ()) != "application/json":
                return output.json_reply(415, _UNSUPPORTED_MEDIA), 0.0
            return self._invoke(json.loads(body), header)
        # Plain run: the body as text. Invalid UTF-8 fails here, outside run (Azure: 500).
        return self._invoke(body.decode("utf-8"), header)

    def _score_get(self, header, body):
        spec = self.spec
        if spec.rawhttp:
            return self._invoke(self._request(header, body), header)
        parsed = _query_input(header.get("query", ""))
        return self._invoke(parsed if spec.schema else json.dumps(parsed), header)

    def _request(self, header, body):
        return AMLRequest(header.get("method", "GET").upper(), header.get("path", "/score"),
                          header.get("query", ""), Headers._from_pairs(header.get("headers") or []),
                          body)

    def _invoke(self, service_input, header):
        """Call ``run``; its exceptions become 500 replies flagged ``runFailed``."""
        spec = self.spec
        run = self.run
        start = _perf()
        try:
            if spec.schema and not spec.rawhttp:
                if spec.wrapped:
                    params = {spec.input_name: service_input[spec.wrapped_parameter_name]}
                elif type(service_input) is dict:
                    params = service_input.copy()
                else:
                    raise TypeError("run() argument after ** must be a mapping, not "
                                    + type(service_input).__name__)
                if spec.request_headers:
                    params["request_headers"] = _headers_dict(header.get("headers") or ())
                start = _perf()
                result = run(**params)
            elif spec.request_headers:
                params = {spec.input_name: service_input,
                          "request_headers": _headers_dict(header.get("headers") or ())}
                start = _perf()
                result = run(**params)
            else:
                result = run(service_input)
        except Exception as exc:
            exec_ms = (_perf() - start) * 1000.0
            self.run_ended_us = time.time_ns() // 1000
            log.error("Encountered Exception: %s", traceback.format_exc())
            return output.run_failed_reply(exc), exec_ms
        exec_ms = (_perf() - start) * 1000.0
        self.run_ended_us = time.time_ns() // 1000
        return output.wrap_result(result), exec_ms


def _not_allowed(allow):
    return Reply(405, output.HTML_HEADERS + (("Allow", allow),), _NOT_ALLOWED_HTML)


def _media_type(pairs):
    """The media type of the first Content-Type header, lower-cased, without parameters."""
    for name, value in pairs:
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower()
    return None


def _headers_dict(pairs):
    """Request headers as Azure passes them to ``request_headers``: ``dict(request.headers)``.

    werkzeug names them in Title-Case (``X-Tenant``); repeated headers are joined with ``", "``.
    """
    out = {}
    for name, value in pairs:
        key = name.title()
        if key in out:
            out[key] = out[key] + ", " + value
        else:
            out[key] = value
    return out


def _query_input(query):
    """A GET query as Azure passes it: values ``json.loads``-ed when possible, repeats as lists."""
    grouped = {}
    for key, value in parse_query(query):
        grouped.setdefault(key, []).append(_maybe_json(value))
    return {k: (v[0] if len(v) == 1 else v) for k, v in grouped.items()}


def _maybe_json(value):
    try:
        return json.loads(value)
    except ValueError:
        return value
