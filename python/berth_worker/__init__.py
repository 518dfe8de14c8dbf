"""Berth's Python worker: hosts an Azure ML entry script (``init()``/``run()``) behind a pipe protocol.

The Swift replica host starts N of these (``python -u -m berth_worker``) and exchanges
length-prefixed frames with each over its stdin/stdout; see ``docs/worker-protocol.md``.
The package uses only the standard library; ``inference_schema`` is touched only when the
entry script itself imports it.
"""

__version__ = "0.1.0"
