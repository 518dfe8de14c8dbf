"""Checks Kubernetes manifests against the official API types of the ``kubernetes`` Python client.

Berth generates its Kubernetes objects itself; this validator proves each one is what a real API
server accepts structurally: every field is known to the type (``attribute_map``), every value has
the declared type (``openapi_types``), and every required field is present. It reads the types from
``kubernetes.client.models`` so it follows the client's Kubernetes version, not a copy of ours.
"""

from .validator import ManifestError, validate, validate_all  # noqa: F401
