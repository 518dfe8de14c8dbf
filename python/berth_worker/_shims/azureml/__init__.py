"""Berth's stand-in for the ``azureml`` namespace (only what entry scripts import).

Appended to the end of ``sys.path`` by the worker, so an installed Azure SDK wins. Declared as a
pkgutil namespace, like the SDK's own ``azureml/__init__.py``, so the two can share the name.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)
