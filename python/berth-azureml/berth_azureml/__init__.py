"""Lets Azure ML's v1 Python SDK (``azureml-core``) talk to a Berth server.

``eval "$(berth sdk env)"`` points the SDK at the server and puts a workspace token in
``BERTH_SDK_TOKEN``; :class:`BerthAuthentication` hands that token to the SDK::

    from azureml.core import Workspace
    from berth_azureml import BerthAuthentication

    ws = Workspace.from_config(auth=BerthAuthentication())
"""

from .authentication import (
    SUBSCRIPTION_VARIABLE,
    TENANT_ID,
    TOKEN_VARIABLE,
    BerthAuthentication,
)

__all__ = ["BerthAuthentication", "SUBSCRIPTION_VARIABLE", "TENANT_ID", "TOKEN_VARIABLE"]
