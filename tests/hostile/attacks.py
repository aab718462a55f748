"""The spec of hostile input as data: every endpoint that takes input, every attack, and what
each pair must answer.

An outcome is one of:

    REFUSED  a 4xx with a message a person can read (``{"error": {"code", "message"}}`` for APIs)
    SERVED   a 2xx or 3xx: the input is odd but allowed (a 1 MB line under the limit)
    EITHER   refused or served, whichever the app chooses; never a 5xx

and never, for any pair, a 5xx or a traceback. ``expected(endpoint, attack)`` reads the table.
"""

import json
from dataclasses import dataclass, field

from tests.payloads import FORGED, FORGED_PATH

REFUSED, SERVED, EITHER = "refused", "served", "either"

SNIPPET_MAX_BYTES = 512 * 1024
HIGHLIGHT_MAX_BYTES = 1024 * 1024
DIFF_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Endpoint:
    """One door that takes text. ``text`` names the field holding the text; ``base`` makes a
    valid request with it; ``names`` and ``numbers`` are fields holding names and numbers."""

    name: str
    method: str
    path: str
    body: str  # json | form | multipart
    text: str
    limit: int
    api: bool
    base: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)  # field -> a value naming nothing that exists
    numbers: dict = field(default_factory=dict)  # field -> path of the value inside the fields
    titles: tuple = ()  # free-text fields shown back to people (and maybe logged)
    csrf: bool = False  # an HTML form of the paste site: needs Django's CSRF token

    def fields(self, text="x = 1\n", **extra):
        fields = {**self.base, **extra}
        if self.text == "left":
            fields.setdefault("right", text + "changed\n")
        fields[self.text] = text
        return fields

    def __str__(self):
        return self.name


ENDPOINTS = [
    Endpoint("snippets-api-json", "POST", "/api/snippets", "json", "content", SNIPPET_MAX_BYTES, True,
             base={"lexer": "text"}, names={"lexer": "no-such-lexer", "expires": "forever-and-ever"},
             titles=("title", "filename")),
    Endpoint("snippets-api-multipart", "POST", "/api/snippets", "multipart", "content", SNIPPET_MAX_BYTES, True,
             base={"lexer": "text"}, names={"lexer": "no-such-lexer", "expires": "forever-and-ever"},
             titles=("title", "filename")),
    Endpoint("snippets-form", "POST", "/", "form", "content", SNIPPET_MAX_BYTES, False,
             base={"lexer": "text", "expires": "1d"}, names={"lexer": "no-such-lexer", "expires": "forever-and-ever"},
             titles=("title", "filename"), csrf=True),
    Endpoint("highlight-api-json", "POST", "/highlight/api/highlight", "json", "code", HIGHLIGHT_MAX_BYTES, True,
             base={"lexer": "text"},
             names={"lexer": "no-such-lexer", "style": "no-such-style", "format": "no-such-format",
                    "options": {"cssfile": "/etc/passwd"}, "mimetype": "no/such-type"},
             numbers={"linenostart": ("options", "linenostart"), "tabsize": ("options", "tabsize"),
                      "hl_lines": ("options", "hl_lines", 0)},
             titles=(("options", "title"),)),
    Endpoint("highlight-api-form", "POST", "/highlight/api/highlight", "form", "code", HIGHLIGHT_MAX_BYTES, True,
             base={"lexer": "text"}, names={"lexer": "no-such-lexer", "style": "no-such-style", "format": "no-such-format"}),
    Endpoint("highlight-guess", "POST", "/highlight/api/guess", "json", "code", HIGHLIGHT_MAX_BYTES, True,
             base={"filename": "x.py"}, names={"filename": "no-such-file.no-such-extension"}),
    Endpoint("highlight-legacy", "POST", "/highlight/", "form", "code", HIGHLIGHT_MAX_BYTES, False,
             base={"lang": "text"}, names={"lang": "no-such-lexer"}),
    Endpoint("diff-form", "POST", "/diff/", "form", "left", DIFF_MAX_BYTES, False,
             names={"view": "no-such-view", "whitespace": "no-such-mode"},
             numbers={"context": ("context",)}, titles=("left_name", "right_name")),
    Endpoint("diff-api-json", "POST", "/diff/api/diff", "json", "left", DIFF_MAX_BYTES, True,
             names={"view": "no-such-view", "whitespace": "no-such-mode", "format": "no-such-format"},
             numbers={"context": ("context",)}, titles=("left_name", "right_name")),
    Endpoint("diff-api-patch", "POST", "/diff/api/diff.patch", "multipart", "left", DIFF_MAX_BYTES, True,
             names={"whitespace": "no-such-mode"}, numbers={"context": ("context",)},
             titles=("left_name", "right_name")),
]


@dataclass(frozen=True)
class Attack:
    """A way to abuse an endpoint: ``build(endpoint)`` gives the raw request (or None when
    the attack does not apply), ``outcome`` what every endpoint must answer unless the
    table below says otherwise for one of them."""

    name: str
    build: object
    outcome: str


def request(endpoint, fields=None, *, body=None, content_type=None, headers=None, path=None):
    """(method, path, body bytes, content type, headers) in the endpoint's own encoding."""
    if body is None:
        body, content_type = encode(endpoint.body, fields if fields is not None else endpoint.fields())
    return {
        "method": endpoint.method,
        "path": path or endpoint.path,
        "data": body,
        "content_type": content_type,
        "headers": headers or {},
    }


def encode(kind, fields, raw=None):
    """Fields as a body of ``kind``; ``raw`` maps a field name to bytes sent as they are."""
    raw = raw or {}
    if kind == "json":
        return json.dumps(fields).encode(), "application/json"
    if kind == "form":
        from urllib.parse import quote_from_bytes

        pairs = [(name, value if isinstance(value, bytes) else str(value).encode("utf-8")) for name, value in fields.items()]
        pairs += list(raw.items())
        body = "&".join(quote_from_bytes(n.encode()) + "=" + quote_from_bytes(v) for n, v in pairs)
        return body.encode("ascii"), "application/x-www-form-urlencoded"
    boundary = b"hostile-boundary-7d3f"
    parts = []
    for name, value in [*fields.items(), *raw.items()]:
        data = value if isinstance(value, bytes) else str(value).encode("utf-8")
        parts.append(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n'
                     + data + b"\r\n")
    return b"".join(parts) + b"--" + boundary + b"--\r\n", "multipart/form-data; boundary=" + boundary.decode()


def with_text(text):
    return lambda e: request(e, e.fields(text))


def invalid_utf8(e):
    if e.body == "json":  # not UTF-8, so not JSON either
        body = json.dumps(e.fields("PLACEHOLDER")).encode().replace(b"PLACEHOLDER", b"caf\xe9 \xff\xfe")
        return request(e, body=body, content_type="application/json")
    fields = e.fields()
    del fields[e.text]
    body, content_type = encode(e.body, fields, raw={e.text: b"caf\xe9 \xff\xfe\n"})
    return request(e, body=body, content_type=content_type)


def wrong_content_type(e):
    body, _ = encode(e.body, e.fields())
    return request(e, body=body, content_type="application/xml" if e.body != "json" else "text/plain")


def json_only(build):
    return lambda e: build(e) if e.body == "json" else None


def lone_surrogate(e):
    if e.body != "json":
        return None
    body = json.dumps(e.fields("PLACEHOLDER")).encode().replace(b"PLACEHOLDER", b"a\\ud800b")
    return request(e, body=body, content_type="application/json")


def text_of_type(value):
    return json_only(lambda e: request(e, {**e.fields(), e.text: value}))


ATTACKS = [
    Attack("oversize", lambda e: request(e, e.fields("a" * (e.limit + 1))), REFUSED),
    Attack("1mb-single-line", with_text("x" * 1_000_000 + "\n"), SERVED),
    Attack("100k-short-lines", with_text("x\n" * 100_000), SERVED),
    Attack("nul-bytes", with_text("a = 1\x00\x00\nb\x00\n"), REFUSED),  # not text (apps/textinput.py)
    Attack("invalid-utf8", invalid_utf8, REFUSED),
    Attack("wrong-content-type", wrong_content_type, EITHER),
    Attack("malformed-json", json_only(lambda e: request(e, body=b'{"' + e.text.encode() + b'": "x",',
                                                         content_type="application/json")), REFUSED),
    Attack("json-not-an-object", json_only(lambda e: request(e, body=b'["x = 1"]', content_type="application/json")),
           REFUSED),
    Attack("json-text-is-a-number", text_of_type(12), REFUSED),
    Attack("json-text-is-a-list", text_of_type(["x = 1"]), REFUSED),
    Attack("json-text-is-null", text_of_type(None), REFUSED),
    Attack("json-nested-100k-deep", json_only(lambda e: request(e, body=b"[" * 100_000 + b"]" * 100_000,
                                                                content_type="application/json")), REFUSED),
    Attack("json-lone-surrogate", lone_surrogate, REFUSED),
    Attack("very-long-header", lambda e: request(e, headers={"X-Hostile": "h" * 100_000, "Referer": "r" * 50_000}),
           EITHER),
    Attack("very-long-url", lambda e: request(e, path=e.path + "?" + "q=" + "u" * 100_000), EITHER),
    Attack("control-chars-in-path", lambda e: request(e, path=e.path.rstrip("/") + FORGED_PATH), REFUSED),
]


def name_attacks(e):
    """Fields naming a lexer, style, format, view… that does not exist."""
    return [(f"unknown-{name}", request(e, e.fields(**{name: value}))) for name, value in e.names.items()]


def number_attacks(e):
    """Numbers in options far out of range: huge, negative, not finite."""
    attacks = []
    for label, path in e.numbers.items():
        for value_name, value in (("huge", 10**30), ("negative", -1), ("float", 2.5), ("nan", float("nan"))):
            if e.body != "json" and value_name == "nan":
                value = "NaN"
            fields = set_path(e.fields(), path, value)
            if e.body != "json" and path[0] == "options":
                continue  # options are a JSON object; forms cannot nest them
            attacks.append((f"{label}={value_name}", request(e, fields)))
    return attacks


def title_attacks(e):
    """CR/LF and ANSI escapes in free text that is shown back and may be logged."""
    return [(f"control-chars-in-{'.'.join(t) if isinstance(t, tuple) else t}",
             request(e, set_path(e.fields(), t if isinstance(t, tuple) else (t,), FORGED))) for t in e.titles]


def set_path(fields, path, value):
    fields = json.loads(json.dumps(fields))
    target = fields
    for key in path[:-1]:
        target = target.setdefault(key, {} if not isinstance(path[path.index(key) + 1], int) else [None])
    if isinstance(path[-1], int):
        target[path[-1]] = value
    else:
        target[path[-1]] = value
    return fields


# Where an endpoint answers an attack differently from the attack's rule, and why.
EXCEPTIONS = {
    # 1 MB is over the paste site's 512 KiB limit, under the others'.
    ("snippets-api-json", "1mb-single-line"): REFUSED,
    ("snippets-api-multipart", "1mb-single-line"): REFUSED,
    ("snippets-form", "1mb-single-line"): REFUSED,
    # Guessing runs every lexer's analyser over the text: answered, or refused as a timeout.
    ("highlight-guess", "1mb-single-line"): EITHER,
    ("highlight-guess", "100k-short-lines"): EITHER,
    # An unknown mimetype only fails to decide the lexer: the next rule (plain text) does.
    ("highlight-api-json", "unknown-mimetype"): EITHER,
    # Guessing takes an optional code and a file name that may match nothing.
    ("highlight-guess", "json-text-is-null"): EITHER,
    ("highlight-guess", "unknown-filename"): EITHER,
    # A null side of a diff is the empty text.
    ("diff-api-json", "json-text-is-null"): EITHER,
    # JSON sent as text/plain: the highlighter's API wants JSON or a form.
    ("highlight-api-json", "wrong-content-type"): REFUSED,
    ("highlight-guess", "wrong-content-type"): REFUSED,
}


def expected(endpoint_name, attack_name, default):
    if (endpoint_name, attack_name) in EXCEPTIONS:
        return EXCEPTIONS[endpoint_name, attack_name]
    if attack_name.startswith(("unknown-", "context=", "linenostart=", "tabsize=", "hl_lines=")):
        return REFUSED
    if attack_name.startswith("control-chars-in-"):
        return EITHER if attack_name != "control-chars-in-path" else REFUSED
    return EXCEPTIONS.get((endpoint_name, attack_name), default)


def table():
    """Every (endpoint, attack name, request, expected outcome) of the spec."""
    rows = []
    for e in ENDPOINTS:
        for attack in ATTACKS:
            built = attack.build(e)
            if built is not None:
                rows.append((e, attack.name, built, expected(e.name, attack.name, attack.outcome)))
        for name, built in [*name_attacks(e), *number_attacks(e), *title_attacks(e)]:
            rows.append((e, name, built, expected(e.name, name, EITHER)))
    return rows
