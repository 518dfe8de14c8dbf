"""``azureml.contrib.services``: ``AMLRequest``/``rawhttp`` and ``AMLResponse`` (Berth shim)."""
