"""A minimal OTLP/HTTP trace receiver for the end-to-end tests (TracingEndToEndTests).

Listens on 127.0.0.1 (port 0: the OS picks; printed as ``Listening on http://127.0.0.1:PORT``),
accepts ``POST /v1/traces`` with an ``ExportTraceServiceRequest`` protobuf body, decodes it with
the ``opentelemetry-proto`` package and appends one JSON line per span to the file named by its
first argument: ids in lowercase hex, times in nanoseconds since the epoch, the resource's
``service.name`` and the span's string/int attributes. Answers an empty
``ExportTraceServiceResponse``. Anything else gets 404. Stops on SIGTERM.
"""

import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

_lock = threading.Lock()


def _value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind in ("string_value", "int_value", "bool_value", "double_value") else None


def _attributes(key_values):
    return {item.key: _value(item.value) for item in key_values}


class _Handler(BaseHTTPRequestHandler):
    spans_file = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v1/traces":
            self.send_error(404)
            return
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        lines = []
        for resource_spans in request.resource_spans:
            resource = _attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    lines.append(json.dumps({
                        "service": resource.get("service.name"),
                        "name": span.name,
                        "kind": span.kind,
                        "traceId": span.trace_id.hex(),
                        "spanId": span.span_id.hex(),
                        "parentSpanId": span.parent_span_id.hex(),
                        "start": span.start_time_unix_nano,
                        "end": span.end_time_unix_nano,
                        "status": span.status.code,
                        "attributes": _attributes(span.attributes),
                        "contentType": self.headers.get("Content-Type"),
                    }))
        with _lock, open(self.spans_file, "a", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in lines)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        sys.stderr.write("otlp-receiver: " + (format % args) + "\n")


def main():
    _Handler.spans_file = sys.argv[1]
    # A test process may start this with SIGTERM blocked (the mask is inherited): take it back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"Listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
