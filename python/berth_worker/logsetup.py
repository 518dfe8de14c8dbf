"""Logging for the worker: Azure's line format, to stderr, which the host copies to the replica log.

Azure's server logs through the root logger with
``%(asctime)s | %(name)s | %(levelname)s | %(message)s`` at ``$AZUREML_LOG_LEVEL`` (default INFO);
Berth keeps that so logs read the same. The per-request path logs nothing unless a request fails.
"""

import logging
import os
import sys

FORMAT = "%(asctime)s | %(name)s | %(levelname)s | %(message)s"


def setup_logging(environ=os.environ):
    level_name = environ.get("AZUREML_LOG_LEVEL", "INFO").upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        level = logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return logging.getLogger("berth_worker")
