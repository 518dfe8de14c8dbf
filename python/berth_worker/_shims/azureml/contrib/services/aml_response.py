"""Azure's ``azureml.contrib.services.aml_response``: ``AMLResponse`` sets status, headers, body."""

from berth_worker.httptypes import AMLResponse  # noqa: F401

__all__ = ["AMLResponse"]
