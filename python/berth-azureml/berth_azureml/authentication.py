"""The SDK authentication class for a Berth workspace.

Azure's own classes all fetch tokens from Azure Active Directory (or refuse a plain bearer token
over http); Berth mints its own token instead (``POST /api/v1/sdk/token``, printed by
``berth sdk env``), so the SDK needs a class that only hands that token out.
"""

import os

from azureml.core.authentication import AbstractAuthentication, _SubscriptionInfo
from azureml.exceptions import AuthenticationException

#: The variable ``berth sdk env`` exports the workspace token in.
TOKEN_VARIABLE = "BERTH_SDK_TOKEN"
#: The variable ``berth sdk env`` exports the workspace's subscription id in.
SUBSCRIPTION_VARIABLE = "BERTH_SUBSCRIPTION_ID"
#: The tenant Berth reports: a workspace has no Azure AD tenant, but the SDK expects an id.
TENANT_ID = "00000000-0000-0000-0000-000000000000"

_REFRESH_HINT = 'run eval "$(berth sdk env)" in this shell (or pass token=...)'


class BerthAuthentication(AbstractAuthentication):
    """Sends a Berth workspace token as the bearer token of every SDK call.

    :param token: the token; default: the ``BERTH_SDK_TOKEN`` environment variable.
    :param subscription_id: the workspace's subscription id; default: ``BERTH_SUBSCRIPTION_ID``.
    :param cloud: the SDK cloud name; default: ``AZUREML_CURRENT_CLOUD``, as for Azure's classes.
    :raises AuthenticationException: when there is no token.

    The token is never printed: ``repr`` and ``str`` leave it out, and this class logs nothing.
    """

    def __init__(self, token=None, subscription_id=None, cloud=None):
        token = token if token is not None else os.environ.get(TOKEN_VARIABLE, "")
        token = token.strip()
        if not token:
            raise AuthenticationException(
                "No Berth SDK token: {} is not set. To get one, {}.".format(TOKEN_VARIABLE, _REFRESH_HINT)
            )
        # Checked before the base class resolves the cloud, which may already call the server.
        super(BerthAuthentication, self).__init__(cloud)
        self.__token = token
        self._subscription_id = (subscription_id or os.environ.get(SUBSCRIPTION_VARIABLE, "")).strip()

    def __repr__(self):
        return "BerthAuthentication(subscription_id={!r}, token=<hidden>)".format(self._subscription_id or None)

    __str__ = __repr__

    # The SDK sends one token everywhere: ARM, model management, artifacts, environments.

    def _get_arm_token(self):
        return self.__token

    def _get_graph_token(self):
        return self.__token

    def _get_azureml_client_token(self):
        return self.__token

    def _get_all_subscription_ids(self):
        """The workspace's one subscription, and the tenant id the SDK expects beside it."""
        if not self._subscription_id:
            raise AuthenticationException(
                "BerthAuthentication does not know the workspace's subscription id: {} is not set. "
                "To set it, {}, or pass subscription_id=...".format(SUBSCRIPTION_VARIABLE, _REFRESH_HINT)
            )
        return [_SubscriptionInfo("Berth", self._subscription_id)], TENANT_ID

    def _get_workspace(self, subscription_id, resource_group, name, **kwargs):
        """None: the SDK reads the workspace from Berth's ARM routes, as from Azure's."""
        return None
