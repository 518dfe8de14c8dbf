"""What the worker knows about the request ``run()`` is serving, for code that runs inside it.

A worker serves one request at a time, so a module-level value is enough. Azure's
``ModelDataCollector`` reads the request id from Flask's ``request.environ['REQUEST_ID']``;
Berth's stand-in (``_shims/azureml/monitoring``) reads it here.
"""

NO_REQUEST_ID = "00000000-0000-0000-0000-000000000000"

request_id = NO_REQUEST_ID


def begin(header_pairs):
    """Record the request id (``x-ms-request-id``, set by the router) of the request starting now."""
    global request_id
    request_id = NO_REQUEST_ID
    for name, value in header_pairs or ():
        if name.lower() == "x-ms-request-id":
            request_id = value
            return
