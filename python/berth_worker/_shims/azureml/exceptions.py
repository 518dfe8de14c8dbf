"""The Azure ML exceptions an entry script can meet through ``Model.get_model_path`` (Berth shim)."""


class AzureMLException(Exception):
    """Base class of Azure ML exceptions; ``.message`` holds the text, as in the SDK."""

    def __init__(self, exception_message, inner_exception=None, **kwargs):
        super().__init__(exception_message)
        self._exception_message = exception_message
        self._inner_exception = inner_exception

    @property
    def message(self):
        return self._exception_message

    @property
    def inner_exception(self):
        return self._inner_exception


class WebserviceException(AzureMLException):
    """Raised for invalid arguments (for example a non-int model version)."""

    def __init__(self, exception_message, status_code=None, logger=None, **kwargs):
        super().__init__(exception_message, **kwargs)
        self.status_code = status_code


class ModelNotFoundException(AzureMLException):
    """Raised when a model is neither in the model folder nor in the working directory."""

    def __init__(self, exception_message, logger=None, **kwargs):
        super().__init__(exception_message, **kwargs)


__all__ = ["AzureMLException", "WebserviceException", "ModelNotFoundException"]
