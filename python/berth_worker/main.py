"""The worker's life: take the pipes, load and init the entry script, report, serve, exit.

Exit codes: 0 after EOF on the request pipe (the host is done with us), 3 when the entry script
cannot be loaded or its ``init()`` fails (Azure's code, after an ``init_failed`` frame), 4 when
the host sends something that is not a valid frame, 1 when the host's pipe breaks.
"""

import gc
import logging
import os
import sys
import traceback

from . import framing
from .entry import inspect_entry, load_module, setup_sys_path
from .handler import RequestHandler
from .logsetup import setup_logging
from .stdio import take_protocol_fds
from .swagger import build_swagger

EXIT_OK = 0
EXIT_BROKEN_PIPE = 1
EXIT_INIT_FAILED = 3
EXIT_PROTOCOL_ERROR = 4


def main():
    proto_in, proto_out = take_protocol_fds()
    log = setup_logging()
    app_root = os.path.abspath(os.environ.get("AML_APP_ROOT") or os.getcwd())
    setup_sys_path(app_root)

    started = _start_entry_script(app_root, log)
    if isinstance(started, str):
        return _report_init_failure(proto_out, started)
    spec, swagger_doc = started

    ready = {"type": "ready", "swagger": swagger_doc is not None, "rawhttp": spec.rawhttp,
             "schema": spec.schema, "pid": os.getpid()}
    swagger_body = b"" if swagger_doc is None else _json_bytes(swagger_doc)
    # Everything init() created lives as long as the worker: keep the collector off it.
    gc.collect()
    gc.freeze()
    try:
        framing.write_frame(proto_out, ready, swagger_body)
        return _serve(framing.FrameReader(proto_in), proto_out, RequestHandler(spec, swagger_doc), log)
    except BrokenPipeError:
        log.error("The host closed the response pipe; exiting")
        return EXIT_BROKEN_PIPE
    except framing.ProtocolError as exc:
        log.error("Protocol error: %s; exiting", exc)
        return EXIT_PROTOCOL_ERROR


def _start_entry_script(app_root, log):
    """``(spec, swagger_doc)``, or the traceback text when the script cannot be served."""
    try:
        module = load_module(app_root, os.environ.get("AZUREML_ENTRY_SCRIPT"))
        log.info("Invoking user's init function")
        module.init()
        log.info("Users's init has completed successfully")
        spec = inspect_entry(module)
        return spec, build_swagger(spec, app_root)
    except BaseException:  # Azure exits 3 on anything, SystemExit from init() included
        text = traceback.format_exc()
        log.error("User's init function failed")
        log.error("Encountered Exception %s", text)
        return text


def _report_init_failure(proto_out, text):
    try:
        framing.write_frame(proto_out, {"type": "init_failed", "error": text})
    except OSError:
        pass
    return EXIT_INIT_FAILED


def _serve(reader, out_fd, handler, log):
    """Answer request frames one at a time until the host closes the request pipe."""
    read_frame = reader.read_frame
    handle = handler.handle
    write_frame = framing.write_frame
    while True:
        frame = read_frame()
        if frame is None:
            return EXIT_OK
        header, body = frame
        if header.get("type") != "request":
            log.warning("Ignoring a frame of unknown type %r", header.get("type"))
            continue
        reply, exec_ms = handle(header, body)
        response = {"type": "response", "id": header.get("id"), "status": reply.status,
                    "headers": reply.headers, "runFailed": reply.run_failed, "execMs": round(exec_ms, 3)}
        run_ended_us = handler.run_ended_us
        if run_ended_us is not None:
            # Wall-clock start of run(), for the host's trace span (same machine, same clock).
            response["runStartUs"] = run_ended_us - round(exec_ms * 1000)
        write_frame(out_fd, response, reply.body)


def _json_bytes(doc):
    import json

    return json.dumps(doc).encode("utf-8")


if __name__ == "__main__":
    logging.getLogger(__name__).error("run this as: python -u -m berth_worker")
    sys.exit(2)
