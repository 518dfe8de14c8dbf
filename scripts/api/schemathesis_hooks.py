"""schemathesis hooks for scripts/api/schemathesis.sh.

Newline-delimited JSON (application/x-ndjson, the request telemetry batches replicas in Pods send)
has no serializer of its own in schemathesis: a generated value goes on the wire as UTF-8 text —
a string as it is, anything else as one JSON line.
"""
import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return (json.dumps(value) + "\n").encode("utf-8")
