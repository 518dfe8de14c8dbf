"""``Model.get_model_path`` through real workers, with model folders laid out as Berth does."""

import json
import textwrap

from harness import corpus

PATH_SCRIPT = textwrap.dedent("""
    import json
    from azureml.core.model import Model
    from azureml.exceptions import ModelNotFoundException, WebserviceException

    def init(): pass

    def run(raw):
        req = json.loads(raw)
        try:
            return {"path": Model.get_model_path(req["name"], version=req.get("version"))}
        except (ModelNotFoundException, WebserviceException) as exc:
            return {"error": type(exc).__name__, "message": exc.message}
""")


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_multimodel_corpus(ready_worker, tmp_path):
    _write(tmp_path / "models" / "first" / "1" / "first.txt", "I am the first model\n")
    _write(tmp_path / "models" / "second" / "1" / "second.txt", "I am the second model\n")
    w = ready_worker(corpus("multimodel"), model_dir=str(tmp_path / "models"))
    r = w.post_json({})
    assert r.status == 200, r.body
    assert r.json() == {"first": "I am the first model", "second": "I am the second model"}


def test_highest_version_and_explicit_version(ready_worker, script, tmp_path):
    models = tmp_path / "models"
    for v in ("1", "2", "10"):
        _write(models / "m" / v / f"m{v}.pkl", v)
    (models / "m" / "notes").mkdir()
    _write(models / "multi" / "3" / "a.bin", "a")
    _write(models / "multi" / "3" / "b.bin", "b")
    w = ready_worker(script(PATH_SCRIPT), model_dir=str(models))
    assert w.post_json({"name": "m"}).json() == {"path": str(models / "m" / "10" / "m10.pkl")}
    assert w.post_json({"name": "m", "version": 2}).json() == {"path": str(models / "m" / "2" / "m2.pkl")}
    # Several files in the version folder: the folder itself.
    assert w.post_json({"name": "multi"}).json() == {"path": str(models / "multi" / "3")}
    assert w.post_json({"name": "m", "version": "2"}).json() == {
        "error": "WebserviceException", "message": "version should be an int"}


def test_single_model_layout(ready_worker, script, tmp_path):
    model_dir = tmp_path / "root" / "diabetes" / "4"
    _write(model_dir / "model.pkl", "x")
    _write(tmp_path / "root" / "diabetes" / "3" / "old.pkl", "x")
    _write(tmp_path / "root" / "other" / "1" / "other.pkl", "x")
    w = ready_worker(script(PATH_SCRIPT), model_dir=str(model_dir))
    assert w.post_json({"name": "diabetes"}).json() == {"path": str(model_dir / "model.pkl")}
    assert w.post_json({"name": "diabetes", "version": 3}).json() == {
        "path": str(tmp_path / "root" / "diabetes" / "3" / "old.pkl")}
    assert w.post_json({"name": "other"}).json() == {
        "path": str(tmp_path / "root" / "other" / "1" / "other.pkl")}


def test_fallback_to_working_directory_and_not_found(ready_worker, script, tmp_path):
    root = script(PATH_SCRIPT)
    _write(tmp_path / "cwd" / "local_model", "x")
    w = ready_worker(root, model_dir=str(tmp_path / "empty"), cwd=str(tmp_path / "cwd"))
    assert w.post_json({"name": "local_model"}).json() == {"path": "local_model"}
    got = w.post_json({"name": "ghost"}).json()
    assert got["error"] == "ModelNotFoundException"
    assert got["message"] == (
        f"Model ghost not found in cache at {tmp_path / 'empty'} or in current working directory "
        f"{tmp_path / 'cwd'}. For more info, set logging level to DEBUG.")
    got = w.post_json({"name": "ghost", "version": 1}).json()
    assert got["error"] == "WebserviceException"
    assert got["message"].startswith("Model ghost not found in cache")


def test_multimodel_missing_models_fail_init(spawn, tmp_path):
    w = spawn(corpus("multimodel"), model_dir=str(tmp_path))
    header, body = w.ready()
    assert header["type"] == "init_failed"
    assert "ModelNotFoundException" in header["error"]
    assert "Model first not found in cache" in header["error"]
    assert w.wait() == 3
    assert json.dumps(header)
