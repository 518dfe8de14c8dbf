"""Berth's stand-in for ``azureml.monitoring`` (the ``azureml-monitoring`` package).

Entry scripts written for AKS create ``ModelDataCollector`` objects in ``init()`` and call
``collect()`` in ``run()``. Azure sends the rows to blob storage through a native library; Berth
appends them to CSV files under the folder the platform names (see ``modeldatacollector.py``).
"""

from .modeldatacollector import ModelDataCollector

__all__ = ["ModelDataCollector"]
