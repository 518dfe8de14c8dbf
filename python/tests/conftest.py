"""Shared fixtures: spawn real workers and clean them up; check the test dependencies."""

import importlib
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Worker  # noqa: E402

SETUP_HINT = ("run the test setup first: python3 -m venv .venv && "
              ".venv/bin/pip install numpy inference-schema scikit-learn joblib pytest, then run "
              ".venv/bin/python -m pytest python/tests")


@pytest.fixture
def need():
    """``need("numpy")`` fails the test (never skips it) when a test dependency is missing."""

    def check(*modules):
        for name in modules:
            try:
                importlib.import_module(name)
            except ImportError as exc:
                pytest.fail(f"{name} is not installed for {sys.executable} ({exc}); {SETUP_HINT}")

    return check


@pytest.fixture
def spawn():
    """``spawn(app_root, ...)`` starts a worker; every worker is killed at the end of the test."""
    workers = []

    def start(*args, **kwargs):
        w = Worker(*args, **kwargs)
        workers.append(w)
        return w

    yield start
    for w in workers:
        w.kill()


@pytest.fixture
def ready_worker(spawn):
    """``ready_worker(app_root, ...)`` starts a worker and asserts its first frame is ready."""

    def start(*args, **kwargs):
        w = spawn(*args, **kwargs)
        header, body = w.ready()
        assert header["type"] == "ready", f"{header}\nstderr:\n{w.stderr_text}"
        w.ready_header, w.ready_body = header, body
        return w

    return start


@pytest.fixture
def script(tmp_path):
    """``script(source)`` writes an entry script ``score.py`` into a fresh app root."""
    counter = [0]

    def write(source, name="score.py"):
        counter[0] += 1
        root = tmp_path / f"app{counter[0]}"
        root.mkdir()
        (root / name).write_text(source)
        return str(root)

    return write
