"""``azureml.core`` (Berth shim): only ``Model.get_model_path`` is available inside a service."""

from .model import Model  # noqa: F401

__all__ = ["Model"]
