"""Load the user's entry script and work out how its ``run`` wants to be called.

This mirrors azureml-inference-server-http 0.4.13 (``aml_blueprint.py``): the script is imported
with importlib as module ``entry_module`` from ``$AML_APP_ROOT/$AZUREML_ENTRY_SCRIPT`` (or
``import main`` when no entry script is named), ``init()`` runs once, and the signature and
decorators of ``run`` choose the input mode (plain, inference_schema-decorated, ``@rawhttp``),
whether ``request_headers`` is passed, and the name of the input parameter.
"""

import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass

from . import httptypes


class EntryScriptError(Exception):
    """The entry script cannot be served; the worker reports init_failed and exits with code 3."""


@dataclass
class EntrySpec:
    """What the request handler needs to know about the loaded entry script."""

    module: object
    run: object
    rawhttp: bool = False
    schema: bool = False  # run (or driver_module.run) is inference_schema-decorated
    wrapped: bool = False  # the schema comes from driver_module.run (SDK-generated wrapper)
    wrapped_parameter_name: str = None
    input_name: str = "input"
    request_headers: bool = False
    positional_input: bool = True  # plain/raw mode: pass the input as the first argument


def setup_sys_path(app_root):
    """Put the app root (and ``$AZUREML_SOURCE_DIRECTORY``) first, the Azure shims last."""
    source_dir = os.environ.get("AZUREML_SOURCE_DIRECTORY")
    front = [app_root]
    if source_dir:
        front.append(os.path.join(app_root, source_dir))
    for path in reversed(front):
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)
    shims = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_shims")
    if shims not in sys.path:
        sys.path.append(shims)


def load_module(app_root, entry_script):
    """Import the entry script as ``entry_module`` (or ``main`` when none is named)."""
    if not entry_script:
        try:
            import main  # noqa: F401  (Azure's fallback when AZUREML_ENTRY_SCRIPT is unset)
        except ImportError:
            raise EntryScriptError(
                "No score script found. Expected score script main.py. "
                f"Expected script to be found in PYTHONPATH: {sys.path}") from None
        return sys.modules["main"]
    location = os.path.join(app_root, entry_script.replace("/", os.sep))
    if not os.path.isfile(location):
        raise EntryScriptError(f"Entry script {location} does not exist "
                               f"(AML_APP_ROOT={app_root!r}, AZUREML_ENTRY_SCRIPT={entry_script!r})")
    spec = importlib.util.spec_from_file_location("entry_module", location)
    module = importlib.util.module_from_spec(spec)
    sys.modules["entry_module"] = module
    spec.loader.exec_module(module)
    return module


def inspect_entry(module):
    """Build the ``EntrySpec`` for a module whose ``init()`` has already run."""
    run = getattr(module, "run", None)
    if run is None or not callable(run):
        raise EntryScriptError("The entry script does not define a run() function")
    spec = EntrySpec(module=module, run=run)
    spec.rawhttp = _is_rawhttp(run)
    spec.schema, spec.wrapped = _schema_state(module)

    params = list(inspect.signature(run).parameters)
    if spec.wrapped:
        wrapped_params = list(inspect.signature(module.driver_module.run).parameters)
        first = wrapped_params[0] if wrapped_params else None
        spec.wrapped_parameter_name = (wrapped_params[1] if first == "request_headers"
                                       and len(wrapped_params) > 1 else first)
    if not spec.schema and len(params) > 2:
        raise EntryScriptError("run() has too many parameters")
    if not params:
        raise EntryScriptError("run() has zero parameters, but needs to have at least one")
    if len(params) == 1:
        spec.input_name = params[0]
    elif "request_headers" in params:
        spec.request_headers = True
        spec.input_name = params[0] if params[0] != "request_headers" else params[1]
        spec.positional_input = False
    # Azure keeps the keyword "input" for a two-parameter run without request_headers, which
    # fails unless the first parameter is named "input"; Berth passes the input positionally.
    return spec


def _is_rawhttp(run):
    if httptypes.rawhttp_requested() or getattr(run, "_berth_rawhttp", False):
        return True
    # A real Azure SDK (installed ahead of the shims) keeps its own module-level flag.
    real = sys.modules.get("azureml.contrib.services.aml_request")
    return bool(getattr(real, "_rawHttpRequested", False))


def _schema_state(module):
    """(schema, wrapped): whether run or driver_module.run carries inference_schema decorators.

    inference_schema is only consulted when the entry script imported it: without that import
    ``run`` cannot be decorated, and the worker stays free of the dependency.
    """
    if "inference_schema" not in sys.modules:
        return False, False
    try:
        from inference_schema.schema_util import is_schema_decorated
    except ImportError:
        return False, False
    try:
        if is_schema_decorated(module.run):
            return True, False
        driver = getattr(module, "driver_module", None)
        if driver is not None and is_schema_decorated(driver.run):
            return True, True
    except Exception:  # Azure ignores any failure here, too
        pass
    return False, False
