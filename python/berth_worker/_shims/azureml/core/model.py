"""Azure's ``azureml.core.model.Model`` as far as an entry script uses it: ``get_model_path``.

Inside an Azure service, ``Model.get_model_path(name)`` finds a registered model's files on the
local disk. Berth lays models out under ``$AZUREML_MODEL_DIR`` like Azure does:

* several models: ``$AZUREML_MODEL_DIR/<name>/<version>/<files>``;
* one model: ``$AZUREML_MODEL_DIR`` is itself ``<root>/<name>/<version>``.

It also looks in ``$AML_APP_ROOT/azureml-models`` (Azure's own cache folder), then falls back to
``./<name>`` in the working directory, as the SDK does.
"""

import os

from azureml.exceptions import ModelNotFoundException, WebserviceException


class Model:
    """Only the static ``get_model_path`` is available: a service cannot reach a workspace."""

    def __init__(self, *args, **kwargs):
        raise WebserviceException("Model objects need an Azure ML workspace, which a Berth "
                                  "service does not have; use Model.get_model_path(name) instead")

    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        """Return the path of a model's files (the single file itself when there is only one).

        The version folder is ``version`` or, when it is ``None``, the highest integer-named one.
        A version folder holding exactly one entry gives that entry's path; otherwise (Azure
        raises here) the folder's path.
        """
        if version is not None and not isinstance(version, int):
            raise WebserviceException("version should be an int")
        if model_name is None:
            raise WebserviceException("model_name is None")
        for name_dir, default_version in _name_dirs(model_name):
            chosen = version if version is not None else default_version
            if chosen is None:
                chosen = _latest_version(name_dir)
                if chosen is None:
                    continue
            version_dir = os.path.join(name_dir, str(chosen))
            if os.path.isdir(version_dir):
                entries = os.listdir(version_dir)
                if len(entries) == 1:
                    return os.path.join(version_dir, entries[0])
                return version_dir
        if os.path.exists(model_name):
            return model_name
        message = ("Model {} not found in cache at {} or in current working directory {}. "
                   "For more info, set logging level to DEBUG.".format(
                       model_name, _models_dir(), os.getcwd()))
        if version is not None:
            raise WebserviceException(message)  # the SDK re-raises it this way for a version
        raise ModelNotFoundException(message)


def _models_dir():
    return (os.environ.get("AZUREML_MODEL_DIR")
            or os.path.join(os.environ.get("AML_APP_ROOT", ""), "azureml-models"))


def _name_dirs(model_name):
    """Folders that may hold ``<version>/`` folders of ``model_name``, best first.

    Each comes with the version to use when the caller gives none (``None``: the highest).
    """
    model_dir = os.environ.get("AZUREML_MODEL_DIR")
    if model_dir:
        model_dir = os.path.normpath(model_dir)
        parent, last = os.path.split(model_dir)
        single = last.isdigit()
        if single and os.path.basename(parent) == model_name:
            yield parent, int(last)
        yield os.path.join(model_dir, model_name), None
        if single:
            yield os.path.join(os.path.dirname(parent), model_name), None
    app_root = os.environ.get("AML_APP_ROOT", "")
    yield os.path.join(app_root, "azureml-models", model_name), None


def _latest_version(name_dir):
    try:
        versions = [int(e) for e in os.listdir(name_dir) if e.isdigit()]
    except OSError:
        return None
    return max(versions) if versions else None
