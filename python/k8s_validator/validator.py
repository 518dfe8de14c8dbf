"""The validator proper: walks a manifest (parsed JSON) beside the model class of its kind."""

import inspect
import re

import kubernetes.client.models as models

# The apiVersion each kind Berth might send belongs to (a wrong pairing is an error too).
KNOWN_KINDS = {
    "Namespace": "v1", "Node": "v1", "Pod": "v1", "Service": "v1", "Secret": "v1", "ConfigMap": "v1",
    "ServiceAccount": "v1", "Deployment": "apps/v1", "EndpointSlice": "discovery.k8s.io/v1",
    "Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1",
    "Scale": "autoscaling/v1", "PodDisruptionBudget": "policy/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2", "NetworkPolicy": "networking.k8s.io/v1",
}


class ManifestError(Exception):
    """A manifest the API server would reject; ``problems`` lists each as ``path: what``."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def model_class(api_version, kind):
    """``apps/v1`` + ``Deployment`` → ``V1Deployment``."""
    version = api_version.split("/")[-1]
    return getattr(models, version[0].upper() + version[1:] + kind, None)


def required_fields(cls):
    """The Python names of the fields the type requires."""
    fields = getattr(cls, "model_fields", None)
    if fields is not None:  # pydantic-based clients (kubernetes ≥ 35)
        return {name for name, field in fields.items() if field.is_required()}
    # Older generated clients: __init__ assigns required fields unconditionally, at 8 spaces.
    source = inspect.getsource(cls.__init__)
    return set(re.findall(r"^ {8}self\.(\w+) = \1$", source, re.MULTILINE))


def split_generic(type_name):
    """``List[X]``/``list[X]`` → (list, X); ``Dict[str, X]``/``dict(str, X)`` → (dict, X)."""
    match = re.fullmatch(r"(?:List|list)\[(.+)\]", type_name)
    if match:
        return "list", match.group(1)
    match = re.fullmatch(r"(?:Dict\[str, (.+)\]|dict\(str, (.+)\))", type_name)
    if match:
        return "dict", match.group(1) or match.group(2)
    match = re.fullmatch(r"Optional\[(.+)\]", type_name)
    if match:
        return "optional", match.group(1)
    return None, type_name


def check(value, type_name, path, problems):
    """Appends to ``problems`` what is wrong with ``value`` as a ``type_name``."""
    container, inner = split_generic(type_name)
    if container == "optional":
        if value is not None:
            check(value, inner, path, problems)
        return
    if container == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {type(value).__name__}")
            return
        for index, item in enumerate(value):
            check(item, inner, f"{path}[{index}]", problems)
        return
    if container == "dict":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map, got {type(value).__name__}")
            return
        for key, item in value.items():
            check(item, inner, f"{path}.{key}", problems)
        return
    scalar = {"str": str, "bytes": str, "datetime": str, "date": str, "bool": bool}
    if inner in scalar:
        if not isinstance(value, scalar[inner]):
            problems.append(f"{path}: expected {inner}, got {type(value).__name__} {value!r}")
        return
    if inner == "int":
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
            problems.append(f"{path}: expected int, got {type(value).__name__} {value!r}")
        return
    if inner == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{path}: expected float, got {type(value).__name__} {value!r}")
        return
    if inner == "object":  # IntOrString, RawExtension, …: any JSON value
        return
    cls = getattr(models, inner, None)
    if cls is None:
        problems.append(f"{path}: the client has no type {inner} (validator cannot check it)")
        return
    check_object(value, cls, path, problems)


def check_object(value, cls, path, problems):
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object ({cls.__name__}), got {type(value).__name__}")
        return
    by_json_name = {json_name: name for name, json_name in cls.attribute_map.items()}
    for key, item in value.items():
        name = by_json_name.get(key)
        if name is None:
            problems.append(f"{path}.{key}: unknown field of {cls.__name__}")
            continue
        if item is None:
            continue
        check(item, cls.openapi_types[name], f"{path}.{key}", problems)
    for name in sorted(required_fields(cls)):
        json_name = cls.attribute_map[name]
        if value.get(json_name) is None:
            problems.append(f"{path}.{json_name}: required field of {cls.__name__} is missing")


def validate(manifest):
    """Raises ``ManifestError`` unless ``manifest`` is a valid object of its kind."""
    if not isinstance(manifest, dict):
        raise ManifestError([f"$: a manifest must be an object, got {type(manifest).__name__}"])
    api_version, kind = manifest.get("apiVersion"), manifest.get("kind")
    name = (manifest.get("metadata") or {}).get("name", "?")
    where = f"{kind or '?'}/{name}"
    if not isinstance(api_version, str) or not isinstance(kind, str):
        raise ManifestError([f"{where}: apiVersion and kind must be strings"])
    expected = KNOWN_KINDS.get(kind)
    if expected is None:
        raise ManifestError([f"{where}: kind {kind} is not one the validator knows"])
    if expected != api_version:
        raise ManifestError([f"{where}: kind {kind} belongs to apiVersion {expected}, not {api_version}"])
    cls = model_class(api_version, kind)
    if cls is None:
        raise ManifestError([f"{where}: the kubernetes client has no type for {api_version} {kind}"])
    problems = []
    check_object(manifest, cls, where, problems)
    if not (manifest.get("metadata") or {}).get("name"):
        problems.append(f"{where}.metadata.name: required to create the object")
    if problems:
        raise ManifestError(problems)


def validate_all(manifests):
    """Every problem of every manifest (an empty list when all are valid)."""
    problems = []
    for manifest in manifests:
        try:
            validate(manifest)
        except ManifestError as error:
            problems.extend(error.problems)
    return problems
