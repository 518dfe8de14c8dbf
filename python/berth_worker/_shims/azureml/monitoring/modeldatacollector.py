"""``ModelDataCollector`` as azureml-monitoring 0.1.0a21 behaves, writing to local CSV files.

What is kept from Azure (compat.md §8): the constructor's signature and defaults; collection only
when ``AML_MODEL_DC_STORAGE_ENABLED`` is ``true`` (the platform sets it when the deployment config
has ``dataCollection.storageEnabled`` / ``collect_model_data``), else Azure's message and no-op
``collect``; ``AML_MODEL_DC_DEBUG=true`` prints rows to stdout instead; the designations and
``default`` → ``general``; the correlation columns appended to ``inputs`` rows, in Azure's order,
and the dict ``collect`` returns for them; ``add_correlations``; ``AML_MODEL_DC_BOUNDARY=hour``;
the folder layout ``{workspace}/{webservice}/{model}/{version}/{designation}/{yyyy}/{mm}/{dd}/``
and the file name (``{designation}.csv``, or ``{collection_name}.csv`` for ``signals`` and
``general``).

What differs: the root is the folder in ``BERTH_MODEL_DATA_DIR`` (Berth sets
``$BERTH_HOME/modeldata``), not the blob container ``modeldata``; rows of ``predictions``,
``labels`` and ``signals`` go to the day's file of the collector, not to the file their own
correlation columns name (Azure's per-correlation file handles); ``$aml_request_id`` is the
router's ``x-ms-request-id``. A header row is written when a file is created: the feature names
(plus the correlation headers for ``inputs``) or a DataFrame's columns.
"""

import csv
import datetime
import io
import os
import sys
import uuid
import warnings

_NOT_ENABLED = ("Data collection is not enabled. Set environment variable AML_MODEL_DC_STORAGE_ENABLED to 'true' "
                "to enable (http://aka.ms/amlmodeldatacollection).")
_DEBUG = ("Data collection is in debug mode. Set environment variable AML_MODEL_DC_STORAGE_ENABLED to 'true' "
          "to send data to the cloud (http://aka.ms/amlmodeldatacollection).")
_BAD_DESIGNATION = ("Incorrect designation value. "
                    "Supported values: 'default', 'inputs', 'predictions', 'labels', 'signals', 'general'")
_NO_STORAGE = ("initialize failed: environment variable AML_MODEL_DC_STORAGE must be set to an Azure storage "
               "connection string (http://aka.ms/amlmodeldatacollection).")


def _current_request_id():
    try:
        from berth_worker import requestcontext
    except ImportError:  # outside a Berth worker
        return "00000000-0000-0000-0000-000000000000"
    return requestcontext.request_id


class ModelDataCollector(object):
    """Collects rows of model inputs, predictions, labels or other signals to CSV files."""

    AML_DC_CORRELATION_HEADER = "$aml_dc_correlation_id"
    AML_DC_SCORING_TIMESTAMP_HEADER = "$aml_dc_scoring_timestamp"
    AML_DC_BOUNDARY_HEADER = "$aml_dc_boundary"
    AML_WORKSPACE_HEADER = "$aml_workspace"
    AML_SERVICE_NAME_HEADER = "$aml_service_name"
    AML_MODEL_NAME_HEADER = "$aml_model_name"
    AML_MODEL_VERSION_HEADER = "$aml_model_version"
    AML_REQUEST_ID_HEADER = "$aml_request_id"

    _CORRELATION_HEADERS = (AML_DC_CORRELATION_HEADER, AML_DC_SCORING_TIMESTAMP_HEADER, AML_DC_BOUNDARY_HEADER,
                            AML_WORKSPACE_HEADER, AML_SERVICE_NAME_HEADER, AML_MODEL_NAME_HEADER,
                            AML_MODEL_VERSION_HEADER, AML_REQUEST_ID_HEADER)

    def __init__(self, model_name, designation='default', feature_names=None, workspace='default/default/default',
                 webservice_name='default', model_version='default', collection_name='default'):
        self._enabled = False
        self._debug = os.environ.get("AML_MODEL_DC_DEBUG", "").lower() == "true"
        self._cloud_enabled = os.environ.get("AML_MODEL_DC_STORAGE_ENABLED") == "true"
        self._feature_names = list(feature_names) if feature_names is not None else None
        self._correlation_headers = []
        if self._debug:
            print(_DEBUG)
        elif not self._cloud_enabled:
            print(_NOT_ENABLED)
            return
        if designation == "default":
            self._designation = "general"
        elif designation in ("inputs", "predictions", "labels", "signals", "general"):
            self._designation = designation
        else:
            print(_BAD_DESIGNATION)
            return
        self.workspace = workspace.lower()
        self.model_name = model_name
        self.model_version = model_version
        self.service_name = webservice_name
        if self.service_name == "default" and os.environ.get("SERVICE_NAME"):
            self.service_name = os.environ["SERVICE_NAME"]
        self.aml_dc_hour_boundary = os.environ.get("AML_MODEL_DC_BOUNDARY") == "hour"
        self._root = os.environ.get("BERTH_MODEL_DATA_DIR") or ""
        if self._cloud_enabled and not self._root:
            warnings.warn(_NO_STORAGE)
            return
        if self._designation in ("inputs", "predictions", "labels"):
            self.filename = "{}.csv".format(self._designation)
        else:
            self.filename = "{}.csv".format(collection_name)
        if self._designation == "inputs":
            self._correlation_headers = list(self._CORRELATION_HEADERS)
        self._enabled = True

    # --- public API ---------------------------------------------------------------------------
    def collect(self, input_data, user_correlation_id=""):
        """Append ``input_data`` (a list: one row; a numpy array; a pandas DataFrame) to the day's file.

        Returns the correlation dict for ``inputs`` (to pass to ``add_correlations`` on the
        predictions), else None.
        """
        if not self._enabled:
            return None
        correlation_data = None
        if self._designation == "inputs":
            correlation_data = self._generated_fields(user_correlation_id)
            input_data = self.add_correlations(input_data, correlation_data)
        converted = self._rows(input_data)
        if converted is None:
            warnings.warn("collect failed: input data must be list,numpy array, pandas dataframe, or spark dataframe. "
                          "Corresponding modules must be installed first.")
            return None
        header, rows = converted
        if header is None and self._feature_names:
            header = self._feature_names + self._correlation_headers
        if self._debug and not self._cloud_enabled:
            print(_csv(([header] if header else []) + rows), end="")
        else:
            self._append(header, rows)
        return correlation_data

    def add_correlations(self, input_data, correlations):
        """``input_data`` with the correlation values appended to each row (Azure's column order).

        The collector's header row gets the correlation headers too, as in Azure.
        """
        if correlations is None:
            return input_data
        self._correlation_headers = list(self._CORRELATION_HEADERS)
        values = [correlations[name] for name in self._CORRELATION_HEADERS]
        if isinstance(input_data, list):
            return input_data + values
        np = sys.modules.get("numpy")
        if np is not None and isinstance(input_data, np.ndarray):
            rows = input_data.reshape(1, -1) if input_data.ndim == 1 else input_data
            extra = np.array([values] * rows.shape[0], dtype=object)
            return np.append(rows.astype(object), extra, axis=1)
        pd = sys.modules.get("pandas")
        if pd is not None and isinstance(input_data, pd.DataFrame):
            frame = input_data.copy()
            for name, value in zip(self._CORRELATION_HEADERS, values):
                frame[name] = value
            return frame
        return input_data

    # --- helpers ------------------------------------------------------------------------------
    def _generated_fields(self, correlation_id=""):
        correlation = str(uuid.uuid4())
        return {
            self.AML_DC_SCORING_TIMESTAMP_HEADER: datetime.datetime.utcnow().isoformat(),
            self.AML_REQUEST_ID_HEADER: _current_request_id(),
            self.AML_DC_CORRELATION_HEADER: "{}-{}".format(correlation_id, correlation) if correlation_id else correlation,
            self.AML_DC_BOUNDARY_HEADER: 60 if self.aml_dc_hour_boundary else 60 * 24,
            self.AML_WORKSPACE_HEADER: self.workspace,
            self.AML_SERVICE_NAME_HEADER: self.service_name,
            self.AML_MODEL_NAME_HEADER: self.model_name,
            self.AML_MODEL_VERSION_HEADER: self.model_version,
        }

    def _rows(self, data):
        """``(header or None, rows)`` for the kinds of data Azure accepts; None for anything else."""
        if isinstance(data, list):
            return None, [data]
        np = sys.modules.get("numpy")
        if np is not None and isinstance(data, np.ndarray):
            rows = data.reshape(1, -1) if data.ndim == 1 else data
            return None, rows.tolist()
        pd = sys.modules.get("pandas")
        if pd is not None and isinstance(data, pd.DataFrame):
            return [str(c) for c in data.columns], data.values.tolist()
        return None

    def _path(self):
        now = datetime.datetime.utcnow()
        folder = os.path.join(self._root, *self.workspace.split("/"), self.service_name, self.model_name,
                              str(self.model_version), self._designation, "{:04d}".format(now.year),
                              "{:02d}".format(now.month), "{:02d}".format(now.day))
        if self.aml_dc_hour_boundary:
            folder = os.path.join(folder, "{:02d}".format(now.hour))
        return folder

    def _append(self, header, rows):
        folder = self._path()
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, self.filename)
        # The worker that creates the file writes the header; every row is one O_APPEND write,
        # so rows from several workers of the replica do not interleave.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
            created = True
        except FileExistsError:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            created = False
        try:
            text = _csv(([header] if created and header else []) + rows)
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)


def _csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()
