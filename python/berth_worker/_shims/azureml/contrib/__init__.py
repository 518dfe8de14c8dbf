"""``azureml.contrib`` namespace (Berth shim)."""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)
