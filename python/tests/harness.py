"""Drive a real ``python -m berth_worker`` process over its pipes, the way the Swift host does.

No mocks: ``Worker`` spawns the worker with real pipes and environment, writes request frames
to its stdin, reads response frames from its stdout, and collects its stderr lines (what the
host would copy to the replica log) on a background thread.
"""

import json
import os
import struct
import subprocess
import sys
import threading
import time

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(PYTHON_DIR)
CORPUS = os.path.join(REPO, "Tests", "Fixtures", "corpus")

_PREFIX = struct.Struct(">IQ")


class WorkerExited(Exception):
    """The worker closed its stdout before sending the expected frame."""


class Response:
    """A response frame: its header fields and raw body."""

    def __init__(self, header, body):
        self.header = header
        self.body = body
        self.status = header.get("status")
        self.headers = header.get("headers", [])
        self.run_failed = header.get("runFailed")
        self.exec_ms = header.get("execMs")

    def header_values(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def header_value(self, name):
        values = self.header_values(name)
        assert len(values) == 1, f"expected one {name} header, got {self.headers}"
        return values[0]

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"Response({self.header!r}, {self.body[:200]!r})"


class Worker:
    """One worker process hosting the entry script in ``app_root``."""

    def __init__(self, app_root, entry_script="score.py", env=None, model_dir=None, cwd=None):
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("AZUREML_", "AML_", "SERVICE_", "BERTH_"))}
        full_env.update({
            "PYTHONPATH": PYTHON_DIR,
            "AML_APP_ROOT": app_root,
            "AZUREML_ENTRY_SCRIPT": entry_script,
            "BERTH_WORKER_ID": "0",
        })
        if model_dir is not None:
            full_env["AZUREML_MODEL_DIR"] = model_dir
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "berth_worker"], cwd=cwd or app_root, env=full_env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        self.stderr_lines = []
        self._stderr_thread = threading.Thread(target=self._pump_stderr, daemon=True)
        self._stderr_thread.start()
        self._next_id = 1

    def _pump_stderr(self):
        try:
            for line in self.proc.stderr:
                self.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))
        except (ValueError, OSError):  # closed by kill()
            pass

    @property
    def stderr_text(self):
        return "\n".join(self.stderr_lines)

    # --- frames ----------------------------------------------------------------------------
    def send_frame(self, header, body=b""):
        head = json.dumps(header).encode("utf-8")
        stdin = self.proc.stdin
        stdin.write(_PREFIX.pack(len(head), len(body)))
        stdin.write(head)
        if body:
            stdin.write(body)
        stdin.flush()

    def read_frame(self):
        prefix = self._read_exact(_PREFIX.size)
        header_len, body_len = _PREFIX.unpack(prefix)
        header = json.loads(self._read_exact(header_len))
        return header, self._read_exact(body_len)

    def _read_exact(self, n):
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            k = self.proc.stdout.readinto(view[got:])
            if not k:
                raise WorkerExited(f"worker stdout closed after {got} of {n} bytes; "
                                   f"stderr:\n{self.stderr_text}")
            got += k
        return bytes(buf)

    # --- protocol messages -----------------------------------------------------------------
    def ready(self):
        """The first frame: ``(header, body)`` of ready or init_failed."""
        return self.read_frame()

    def request(self, method="POST", path="/score", body=b"", headers=(), query=""):
        """Send one request frame and return its ``Response``."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        rid = self._next_id
        self._next_id += 1
        self.send_frame({"type": "request", "id": rid, "method": method, "path": path,
                         "query": query, "headers": [list(h) for h in headers]}, body)
        header, resp_body = self.read_frame()
        assert header["type"] == "response", header
        assert header["id"] == rid, header
        return Response(header, resp_body)

    def post_json(self, value, headers=(("Content-Type", "application/json"),)):
        return self.request("POST", body=json.dumps(value), headers=headers)

    # --- ending ----------------------------------------------------------------------------
    def close(self, timeout=10):
        """Close stdin (EOF) and return the exit code."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        return self.wait(timeout)

    def wait(self, timeout=10):
        code = self.proc.wait(timeout)
        self._stderr_thread.join(timeout)
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._stderr_thread.join(5)
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass

    def wait_for_stderr(self, text, timeout=5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.stderr_text:
                return True
            time.sleep(0.02)
        return False


def corpus(name):
    """The folder of one of the project's fixture entry scripts."""
    return os.path.join(CORPUS, name)
