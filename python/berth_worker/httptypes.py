"""Standard-library stand-ins for the Flask/werkzeug objects an Azure ML entry script sees.

On Azure, an ``@rawhttp`` ``run(request)`` receives a Flask ``Request`` (``AMLRequest``) and may
return an ``AMLResponse`` (a Flask ``Response``). Berth has no Flask, so these classes offer the
parts of that API that entry scripts use, with the same names and the same results. The Azure
shims (``_shims/azureml/contrib/services``) re-export them, so an entry script written for Azure
imports them unchanged.
"""

import json
from urllib.parse import parse_qsl

_rawhttp_requested = False


def rawhttp(func):
    """Mark ``run`` as wanting the raw request (Azure's ``@rawhttp``).

    Like Azure's decorator this switches the whole worker to raw mode (a module-level flag) and
    returns the function unchanged; it also tags the function, where that is possible.
    """
    global _rawhttp_requested
    _rawhttp_requested = True
    try:
        func._berth_rawhttp = True
    except (AttributeError, TypeError):
        pass
    return func


def rawhttp_requested():
    """True once any function was decorated with ``@rawhttp``."""
    return _rawhttp_requested


class Headers:
    """Case-insensitive, order-keeping, multi-valued HTTP headers (werkzeug ``Headers``-like).

    Iterating yields ``(name, value)`` pairs, as werkzeug does, so ``dict(request.headers)`` works.
    """

    __slots__ = ("_items",)

    def __init__(self, items=None):
        self._items = []
        if items is None:
            return
        if hasattr(items, "items"):
            items = items.items()
        for name, value in items:
            self._items.append((str(name), str(value)))

    @classmethod
    def _from_pairs(cls, pairs):
        """Adopt a list of ``[name, value]`` pairs from a protocol frame without re-checking."""
        h = cls.__new__(cls)
        h._items = pairs
        return h

    def get(self, name, default=None, type=None):
        """The value of ``name`` (repeated headers joined with ``", "``), or ``default``."""
        key = name.lower()
        values = [v for k, v in self._items if k.lower() == key]
        if not values:
            return default
        value = values[0] if len(values) == 1 else ", ".join(values)
        if type is not None:
            try:
                return type(value)
            except (ValueError, TypeError):
                return default
        return value

    def getlist(self, name):
        key = name.lower()
        return [v for k, v in self._items if k.lower() == key]

    get_all = getlist

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        key = name.lower()
        return any(k.lower() == key for k, _ in self._items)

    def __iter__(self):
        return iter([(k, v) for k, v in self._items])

    def __len__(self):
        return len(self._items)

    def __bool__(self):
        return bool(self._items)

    def keys(self):
        return [k for k, _ in self._items]

    def values(self):
        return [v for _, v in self._items]

    def items(self):
        return [(k, v) for k, v in self._items]

    def add(self, name, value):
        self._items.append((str(name), str(value)))

    add_header = add

    def set(self, name, value):
        self.remove(name)
        self._items.append((str(name), str(value)))

    def __setitem__(self, name, value):
        self.set(name, value)

    def remove(self, name):
        key = name.lower()
        self._items = [(k, v) for k, v in self._items if k.lower() != key]

    def __delitem__(self, name):
        self.remove(name)

    def to_wsgi_list(self):
        return self.items()

    def __repr__(self):
        return f"Headers({self._items!r})"


class Args:
    """Query-string arguments (werkzeug ``MultiDict``-like): ``get`` gives the first value."""

    __slots__ = ("_pairs",)

    def __init__(self, pairs):
        self._pairs = pairs

    def get(self, key, default=None, type=None):
        for k, v in self._pairs:
            if k == key:
                if type is None:
                    return v
                try:
                    return type(v)
                except (ValueError, TypeError):
                    return default
        return default

    def getlist(self, key, type=None):
        values = [v for k, v in self._pairs if k == key]
        return values if type is None else [type(v) for v in values]

    def __getitem__(self, key):
        for k, v in self._pairs:
            if k == key:
                return v
        raise KeyError(key)

    def __contains__(self, key):
        return any(k == key for k, _ in self._pairs)

    def keys(self):
        return list(dict.fromkeys(k for k, _ in self._pairs))

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def values(self):
        return [self[k] for k in self.keys()]

    def items(self, multi=False):
        if multi:
            return list(self._pairs)
        return [(k, self[k]) for k in self.keys()]

    def lists(self):
        return [(k, self.getlist(k)) for k in self.keys()]

    def to_dict(self, flat=True):
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def __repr__(self):
        return f"Args({self._pairs!r})"


def parse_query(query):
    """Parse a raw query string the way werkzeug does (``+`` is a space, blanks kept)."""
    if not query:
        return []
    return parse_qsl(query, keep_blank_values=True)


class AMLRequest:
    """The request an ``@rawhttp`` ``run`` receives (Flask ``Request`` subset)."""

    def __init__(self, method="GET", path="/score", query="", headers=None, body=b""):
        self.method = method
        self.path = path
        self._query = query or ""
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self._body = body
        self._args = None
        self._json = _UNSET
        self.environ = {}

    # --- URL parts -------------------------------------------------------------------------
    @property
    def query_string(self):
        return self._query.encode("latin-1", "replace")

    @property
    def args(self):
        if self._args is None:
            self._args = Args(parse_query(self._query))
        return self._args

    @property
    def full_path(self):
        return f"{self.path}?{self._query}"

    @property
    def script_root(self):
        return ""

    @property
    def host(self):
        return self.headers.get("Host", "localhost")

    @property
    def scheme(self):
        return self.headers.get("X-Forwarded-Proto", "http").split(",")[0].strip()

    @property
    def host_url(self):
        return f"{self.scheme}://{self.host}/"

    url_root = host_url

    @property
    def base_url(self):
        return f"{self.scheme}://{self.host}{self.path}"

    @property
    def url(self):
        return self.base_url + (f"?{self._query}" if self._query else "")

    @property
    def remote_addr(self):
        forwarded = self.headers.get("X-Forwarded-For")
        return forwarded.split(",")[0].strip() if forwarded else None

    # --- body ------------------------------------------------------------------------------
    def get_data(self, cache=True, as_text=False, parse_form_data=False):
        """The raw body as ``bytes`` (``str`` with ``as_text=True``)."""
        body = self._body
        if not isinstance(body, bytes):
            body = bytes(body)
            self._body = body
        return body.decode("utf-8", "replace") if as_text else body

    @property
    def data(self):
        return self.get_data()

    @property
    def stream(self):
        import io

        return io.BytesIO(self.get_data())

    @property
    def content_length(self):
        return len(self._body)

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    @property
    def mimetype(self):
        ct = self.content_type or ""
        return ct.split(";", 1)[0].strip().lower()

    @property
    def mimetype_params(self):
        ct = self.content_type or ""
        params = {}
        for part in ct.split(";")[1:]:
            if "=" in part:
                k, v = part.split("=", 1)
                params[k.strip().lower()] = v.strip().strip('"')
        return params

    @property
    def is_json(self):
        mt = self.mimetype
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    def get_json(self, force=False, silent=False, cache=True):
        """The body parsed as JSON; ``None`` when it is not JSON-typed (unless ``force``)."""
        if cache and self._json is not _UNSET:
            return self._json
        if not (force or self.is_json):
            return None
        try:
            value = json.loads(self._body)
        except ValueError as exc:
            if silent:
                return None
            raise BadRequest(f"Failed to decode JSON object: {exc}") from None
        if cache:
            self._json = value
        return value

    @property
    def json(self):
        return self.get_json()

    @property
    def form(self):
        if self.mimetype == "application/x-www-form-urlencoded":
            return Args(parse_query(self.get_data(as_text=True)))
        return Args([])

    @property
    def values(self):
        return Args(list(self.args.items(multi=True)) + list(self.form.items(multi=True)))

    @property
    def files(self):
        return Args([])

    @property
    def cookies(self):
        from http.cookies import SimpleCookie

        jar = SimpleCookie()
        jar.load(self.headers.get("Cookie", ""))
        return {k: m.value for k, m in jar.items()}

    def __repr__(self):
        return f"<AMLRequest {self.url!r} [{self.method}]>"


class BadRequest(ValueError):
    """Raised by ``get_json`` for a body that is not valid JSON (werkzeug's 400 BadRequest)."""

    code = 400


_UNSET = object()


class AMLResponse:
    """A response an entry script returns to shape status, headers and body (Azure ``AMLResponse``).

    ``AMLResponse(message, status_code, response_headers={}, json_str=False)`` as on Azure:
    ``json_str=True`` sends ``json.dumps(message)`` as ``application/json``; ``message=None`` sends
    ``{}``; otherwise ``message`` (``str`` or ``bytes``) is sent as it is, ``text/html`` unless
    the headers name a Content-Type. A header value with commas becomes repeated headers, as on
    Azure. The Flask-style keyword names ``response``, ``status`` and ``headers`` work too.
    """

    def __init__(self, message=None, status_code=None, response_headers=None, json_str=False,
                 run_function_failed=False, *, response=None, status=None, headers=None,
                 mimetype=None, content_type=None):
        if message is None:
            message = response
        if status_code is None:
            status_code = status
        if response_headers is None:
            response_headers = headers if headers is not None else {}
        self.status_code = _status_int(status_code)
        self.run_function_failed = bool(run_function_failed)
        self.headers = Headers()
        if message is None:
            self._data = b"{}"
            self.headers.add("Content-Type", "application/json")
        elif json_str:
            self._data = json.dumps(message).encode("utf-8")
            self.headers.add("Content-Type", "application/json")
        else:
            self._data = _to_bytes(message)
            user_sets_type = any(k.lower() == "content-type" for k in _header_names(response_headers))
            if not user_sets_type:
                self.headers.add("Content-Type", content_type or _content_type_for(mimetype))
        items = response_headers.items() if hasattr(response_headers, "items") else response_headers
        for name, value in items:
            if name.lower() == "content-type":
                self.headers.remove(name)
            for v in value.split(","):
                self.headers.add(name, v.strip())

    def get_data(self, as_text=False):
        return self._data.decode("utf-8", "replace") if as_text else self._data

    def set_data(self, value):
        self._data = _to_bytes(value)

    data = property(get_data, set_data)

    @property
    def response(self):
        return [self._data]

    @property
    def status(self):
        return str(self.status_code)

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    @property
    def mimetype(self):
        return (self.content_type or "").split(";", 1)[0].strip()

    def __repr__(self):
        return f"<AMLResponse {len(self._data)} bytes [{self.status_code}]>"


def _header_names(headers):
    if hasattr(headers, "keys"):
        return list(headers.keys())
    return [k for k, _ in headers]


def _content_type_for(mimetype):
    mimetype = mimetype or "text/html"
    return f"{mimetype}; charset=utf-8" if mimetype.startswith("text/") else mimetype


def _status_int(status):
    if status is None:
        return 200
    if isinstance(status, int):
        return status
    return int(str(status).strip().split(None, 1)[0])


def _to_bytes(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    # Flask accepts an iterable of str/bytes chunks.
    return b"".join(_to_bytes(chunk) for chunk in value)
