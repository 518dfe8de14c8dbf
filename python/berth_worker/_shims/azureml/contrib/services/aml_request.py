"""Azure's ``azureml.contrib.services.aml_request`` for entry scripts that need the raw request.

``@rawhttp`` on ``run`` makes the worker pass an ``AMLRequest`` (Berth's standard-library
version of the Flask request Azure passes) instead of the body text.
"""

from berth_worker.httptypes import AMLRequest, rawhttp  # noqa: F401

__all__ = ["AMLRequest", "rawhttp"]
