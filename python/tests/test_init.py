"""Start-up failures: the worker reports init_failed, prints the traceback, exits with code 3."""

import os

from harness import corpus


def _assert_init_failed(w, text):
    header, body = w.ready()
    assert header["type"] == "init_failed", header
    assert body == b""
    assert text in header["error"]
    assert w.wait() == 3
    assert text in w.stderr_text  # the traceback went to stderr too
    return header


def test_failing_init_exits_3(spawn):
    w = spawn(corpus("failing"), env={"FAIL_INIT": "1"})
    header = _assert_init_failed(w, "RuntimeError: init failed on purpose: FAIL_INIT is set")
    assert header["error"].startswith("Traceback (most recent call last):")


def test_failing_without_flag_is_ready(ready_worker):
    w = ready_worker(corpus("failing"))
    assert w.post_json({"fail": False}).json() == {"ok": True}


def test_import_error_in_entry_script(spawn, script):
    w = spawn(script("import no_such_module_for_berth\ndef init(): pass\ndef run(x): return x\n"))
    _assert_init_failed(w, "ModuleNotFoundError: No module named 'no_such_module_for_berth'")


def test_missing_entry_script(spawn, script):
    w = spawn(script("def init(): pass\ndef run(x): return x\n"), entry_script="nope.py")
    _assert_init_failed(w, "nope.py does not exist")


def test_missing_init_or_run(spawn, script):
    _assert_init_failed(spawn(script("def run(x): return x\n")), "has no attribute 'init'")
    _assert_init_failed(spawn(script("def init(): pass\n")), "does not define a run() function")


def test_run_signature_checks(spawn, script):
    _assert_init_failed(spawn(script("def init(): pass\ndef run(): pass\n")),
                        "run() has zero parameters, but needs to have at least one")
    _assert_init_failed(spawn(script("def init(): pass\ndef run(a, b, c): pass\n")),
                        "run() has too many parameters")


def test_sys_exit_in_init(spawn, script):
    _assert_init_failed(spawn(script("import sys\ndef init(): sys.exit(0)\ndef run(x): return x\n")),
                        "SystemExit")


def test_entry_script_in_subfolder_with_sibling_import(ready_worker, tmp_path):
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "helper_mod_for_berth.py").write_text("VALUE = 42\n")
    (app / "src" / "score.py").write_text(
        "import helper_mod_for_berth\ndef init(): pass\ndef run(x): return helper_mod_for_berth.VALUE\n")
    w = ready_worker(str(app), entry_script="src/score.py")
    assert w.post_json({}).json() == 42
    w2 = ready_worker(str(app), entry_script=str(app / "src" / "score.py"))
    assert w2.post_json({}).json() == 42
    assert os.path.isabs(str(app))
