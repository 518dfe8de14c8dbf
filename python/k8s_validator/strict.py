"""Strict schema validation of the objects clients sent to Berth's Kubernetes API double.

``python -m k8s_validator.strict FOLDER`` reads every ``*.json`` file of FOLDER, each
``{"request": "POST /apis/apps/v1/…", "kubernetesVersion": "1.31", "object": {…}}``, and checks
each object against the official JSON schemas of that Kubernetes version as the
``kubernetes-validate`` package ships them, in their strict form: an unknown field is an error, as
with a real API server's ``fieldValidation=Strict`` (which ``kubectl`` uses by default). It prints
every problem with the request and the object, and exits 1 when there is any, 0 (printing the
count) else.

One process checks a whole test suite's objects: each schema is loaded and compiled once, not once
per object as ``kubernetes_validate.validate`` does (its definitions file is 1.3 MB).
"""

import functools
import json
import os
import re
import sys

import jsonschema
import kubernetes_validate
from kubernetes_validate import utils
from referencing import Registry, Resource


def schema_version(kubernetes_version):
    """The newest schema version not newer than ``kubernetes_version`` (``1.31`` → ``1.31.0``)."""
    wanted = tuple(int(part) for part in utils.major_minor(kubernetes_version.lstrip("v")).split("."))
    known = [v for v in utils.all_versions() if tuple(int(p) for p in utils.major_minor(v).split(".")) <= wanted]
    if not known:
        raise utils.VersionNotSupportedError(kubernetes_version)
    return known[-1]


@functools.lru_cache(maxsize=None)
def validator(kubernetes_version, api_version, kind):
    """A compiled strict validator of ``kind``; None when the package has no schema for it."""
    version = schema_version(kubernetes_version)
    folder = f"kubernetes-json-schema/v{version}-local-strict"
    # As kubernetes_validate names its files: rbac.authorization.k8s.io/v1 → rbac-v1.
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = utils.schema_contents(f"{folder}/{kind.lower()}-{group_version}.json", version)
    except FileNotFoundError:
        return None
    registry = Resource.from_contents(definitions(folder, version)) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


@functools.lru_cache(maxsize=None)
def definitions(folder, version):
    return utils.schema_contents(f"{folder}/_definitions.json", version)


def field_path(error):
    """``spec.template.spec.containers[0].lifecycle`` from a jsonschema error's path."""
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the object)"


def problems_of(entry):
    """What is wrong with one recorded object, as ``path: message`` lines."""
    sent = entry.get("object")
    if not isinstance(sent, dict) or not isinstance(sent.get("kind"), str):
        return ["the entry has no object with a kind"]
    check = validator(str(entry.get("kubernetesVersion", "")), sent.get("apiVersion", ""), sent["kind"])
    if check is None:
        return [f"no schema for {sent.get('apiVersion')} {sent['kind']} in kubernetes-validate {kubernetes_validate.__version__}"]
    errors = sorted(check.iter_errors(sent), key=lambda error: [str(part) for part in error.absolute_path])
    return [f"{field_path(error)}: {error.message}" for error in errors]


def validate_folder(folder):
    """(number of objects, report lines of every object that has problems)."""
    names = sorted(name for name in os.listdir(folder) if name.endswith(".json"))
    report = []
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as file:
            entry = json.load(file)
        problems = problems_of(entry)
        if not problems:
            continue
        sent = entry.get("object") or {}
        metadata = sent.get("metadata") or {}
        where = f"{sent.get('kind', '?')} {metadata.get('namespace', '')}/{metadata.get('name', '?')}".replace(" /", " ")
        report.append(
            f"{entry.get('request', '?')} ({where}, Kubernetes {entry.get('kubernetesVersion', '?')}, file {name}):")
        report.extend(f"  {problem}" for problem in problems)
        report.append("  object: " + json.dumps(sent, sort_keys=True))
    return len(names), report


def main(arguments):
    if len(arguments) != 1 or not os.path.isdir(arguments[0]):
        print("usage: python -m k8s_validator.strict FOLDER (of {request, kubernetesVersion, object} JSON files)",
              file=sys.stderr)
        return 64
    count, report = validate_folder(arguments[0])
    for line in report:
        print(line)
    if report:
        return 1
    print(f"{count} sent objects valid (strict schemas of kubernetes-validate {kubernetes_validate.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
