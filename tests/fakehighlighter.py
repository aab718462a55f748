"""One fake highlighter for every test that needs one: the documented API, without Pygments.

``FakeHighlighter`` is a WSGI app that honours ``GET /api/openapi.json`` (``tests.contract``)
with a toy lexer of its own: it offers two lexers (Python, Text only) and the formats
``html``, ``tokens``, ``classes`` and ``runs``, detects Python by ``*.py`` or ``def `` (``detection``,
``/api/guess``), and refuses anything else as the document says
(``unknown_lexer``, ``unknown_format``, ``bad_request``, ``not_found`` ...). That the paste site
and the diff viewer work against it is the proof that they rely on the document, not on
Pygments or the real service's internals.

The ``fake_highlighter`` fixture serves it on a loopback port as ``HIGHLIGHTER_URL``, wrapped
in ``tests.contract.Checked``: every request a consumer sends it and every answer it gives
is checked against the document, and the test fails at teardown on any violation. A test
tells it how to behave: ``delay`` (seconds an answer is held; released at teardown),
``answer`` (a documented ``(status, JSON)`` to send instead), ``raw`` (``(status, bytes)``
off the contract, to see a consumer survive it), ``version`` (its ``X-Highlighter-Version``).
"""

import hashlib
import html
import json
import re
import threading

import pytest
from werkzeug.datastructures import Headers
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.contract import Checked, check_request

KEYWORDS = {"def", "return", "import", "from", "class", "if", "else", "for", "in", "while", "None", "True",
            "False"}
# A toy lexer: a comment to the end of the line, a quoted string, a word, blanks, anything else.
PIECES = re.compile(r"(?P<c1>#.*)|(?P<s1>'[^']*'?)|(?P<word>\w+)|(?P<w>\s+)|(?P<p>[^\w\s#']+)")
TYPES = {"k": "Token.Keyword", "nf": "Token.Name.Function", "n": "Token.Name", "c1": "Token.Comment.Single",
         "s1": "Token.Literal.String.Single", "w": "Token.Text.Whitespace", "p": "Token.Punctuation",
         "": "Token.Text"}


class FakeHighlighter:
    """The highlighter's documented API, answered by a toy lexer; told how to behave by tests."""

    LEXERS = (
        {"name": "Python", "aliases": ["python", "py"], "filenames": ["*.py"], "mimetypes": ["text/x-python"]},
        {"name": "Text only", "aliases": ["text"], "filenames": ["*.txt"], "mimetypes": ["text/plain"]},
    )
    STYLES = ({"name": "default", "background_color": "#f8f8f8", "highlight_color": "#ffffcc"},
              {"name": "monokai", "background_color": "#272822", "highlight_color": "#49483e"})

    def __init__(self):
        self.delay = 0.0
        self.answer = None
        self.raw = None
        self.version = "fake-1"
        self.requests = []  # (path, JSON body or None, headers) of every request
        self.released = threading.Event()

    # What tests read.
    @property
    def highlights(self):
        """Texts asked for: one per single highlight, one per item of a batch."""
        return len(self.fields)

    @property
    def fields(self):
        """Each text's fields, single highlights' and batch items' alike, in the order asked."""
        return [item for path, body, _ in self.requests if path in ("/api/highlight", "/api/highlight/batch")
                for item in (body.get("items", []) if path == "/api/highlight/batch" and body else [body])]

    @property
    def cache_controls(self):
        return [headers.get("Cache-Control") for path, _, headers in self.requests if path == "/api/highlight"]

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data(cache=True)
        try:
            fields = json.loads(body) if body else None
        except ValueError:
            fields = None
        self.requests.append((request.path, fields, Headers(list(request.headers.items()))))
        if request.path in ("/api/highlight", "/api/highlight/batch") and self.delay:
            self.released.wait(self.delay)
        if self.raw is not None:
            environ["contract.off"] = True
            status, payload = self.raw
            response = Response(payload, status=status, mimetype="application/json")
        elif self.answer is not None and request.path == "/api/highlight":
            response = self.json(*self.answer)
        else:
            response = self.route(request, body)
        return response(environ, start_response)

    def route(self, request, body):
        routes = {"/api/lexers": ("GET", self.catalog, self.LEXERS), "/api/styles": ("GET", self.catalog, self.STYLES),
                  "/api/highlight": ("POST", self.highlight, None), "/api/guess": ("POST", self.guess, None),
                  "/api/highlight/batch": ("POST", self.batch, None)}
        if request.path not in routes:
            return self.error(404, "not_found", f"No such URL: {request.path}.")
        method, handler, argument = routes[request.path]
        if request.method != method:
            return self.error(405, "method_not_allowed", f"Use {method}.")
        if method == "GET":
            return handler(request, argument)
        problems = check_request(request.method, request.path, request.headers, body)
        if problems:
            return self.error(400, "bad_request", problems[0])
        return handler(request, json.loads(body))

    def catalog(self, request, items):
        response = self.json(200, items)
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:40])
        return response

    def batch(self, request, fields):
        """Each item as ``highlight`` answers it alone: its result, or its error in its place."""
        results = [self.result(item) for item in fields["items"]]
        response = self.json(200, {"results": [data for _, data in results]})
        response.headers["Cache-Control"] = "no-store"
        return response

    def highlight(self, request, fields):
        status, result = self.result(fields)
        if status != 200:
            return self.error(status, result["error"]["code"], result["error"]["message"])
        response = self.json(200, result)
        response.set_etag("fake-" + hashlib.sha256(request.get_data()).hexdigest()[:36])
        if request.headers.get("Cache-Control") == "no-store":
            response.headers["Cache-Control"] = "no-store"
        return response

    def result(self, fields):
        """``(status, result or error)`` of one highlight request's fields."""
        lexer = self.lexer(fields)
        if lexer is None:
            return 400, {"error": {"code": "unknown_lexer", "message": f"Unknown lexer {fields['lexer']!r}."}}
        detection = None if "lexer" in fields else self.detect(fields.get("filename"), fields["code"])
        if detection and detection["rule"] != "filename" and not fields.get("guess"):
            detection = None
        output_format = fields.get("format", "html")
        if output_format not in ("html", "tokens", "classes", "runs"):
            return 400, {"error": {"code": "unknown_format", "message": f"Unknown format {output_format!r}. "
                                                                        "Valid formats: html, tokens, classes, runs."}}
        lines = lexed(fields["code"], lexer["name"] == "Python")
        if output_format == "html":
            output = as_html(lines, fields.get("options", {}).get("linespans"))
        elif output_format == "runs":
            output = as_runs(lines)
        else:
            output = [[[TYPES[kind] if output_format == "tokens" else kind, text] for kind, text in line]
                      for line in lines]
        result = {
            "output": output, "format": output_format, "lexer": {"name": lexer["name"], "alias": lexer["aliases"][0]},
            "style": fields.get("style", "default"), "guessed": "lexer" not in fields,
            "method": "lexer" if "lexer" in fields else "filename" if "filename" in fields else "default",
        }
        if detection:
            result.update(guessed=detection["guessed"], method=detection["method"], detection=detection)
        return 200, result

    def guess(self, request, fields):
        if not fields.get("filename") and not fields.get("code"):
            return self.error(400, "bad_request", "Send a filename, some code, or both.")
        return self.json(200, self.detect(fields.get("filename"), fields.get("code")))

    def lexer(self, fields):
        if "lexer" in fields:
            wanted = fields["lexer"].lower()
            return next((e for e in self.LEXERS if wanted in (e["name"].lower(), *e["aliases"])), None)
        python = fields.get("filename", "").endswith(".py") or (fields.get("guess") and "def " in fields["code"])
        return self.LEXERS[0 if python else 1]

    def detect(self, filename, code):
        """A toy detection with the documented shape: ``*.py`` by its name, ``def `` by the content
        ("model"), anything else plain text ("fallback")."""
        if filename and filename.endswith(".py"):
            rule, confidence, scores = "filename", 1.0, [(0, 1.0)]
        elif code and "def " in code:
            rule, confidence, scores = "model", 0.9, [(0, 0.9), (1, 0.1)]
        else:
            rule, confidence, scores = "fallback", 1.0, []
        lexer = self.LEXERS[0 if scores and scores[0][0] == 0 else 1]
        return {
            "lexer": {"name": lexer["name"], "alias": lexer["aliases"][0]},
            "method": "filename" if rule == "filename" else "content" if rule == "model" else "default",
            "guessed": rule != "fallback", "rule": rule, "confidence": confidence,
            "candidates": [{"lexer": self.LEXERS[i]["aliases"][0], "name": self.LEXERS[i]["name"], "score": score}
                           for i, score in scores],
        }

    def json(self, status, data):
        response = Response(json.dumps(data), status=status, mimetype="application/json")
        response.headers["X-Highlighter-Version"] = self.version
        return response

    def error(self, status, code, message):
        response = self.json(status, {"error": {"code": code, "message": message}})
        response.headers["Cache-Control"] = "no-store"
        return response


def lexed(code, python):
    """``code``'s lines (as the document says: \\r\\n read as \\n, a final newline ensured) as
    lists of (CSS class, text); for Python a toy lexing, else one plain piece per line."""
    lines = code.replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n").split("\n")
    if not python:
        return [[("", line)] if line else [] for line in lines]
    result = []
    for line in lines:
        pieces, after_def = [], False
        for match in PIECES.finditer(line):
            kind, text = match.lastgroup, match.group()
            if kind == "word":
                kind = "k" if text in KEYWORDS else "nf" if after_def else "n"
                after_def = text == "def"
            pieces.append((kind, text))
        result.append(pieces)
    return result


def as_runs(lines):
    """The lines as ``runs`` (the documented compact form): each distinct class once, a line's
    pieces as (class index, length) pairs, one per piece (the document allows unjoined runs)."""
    classes = sorted({kind for line in lines for kind, _ in line})
    index = {kind: number for number, kind in enumerate(classes)}
    return {"classes": classes,
            "lines": [[number for kind, text in line for number in (index[kind], len(text))] for line in lines]}


def as_html(lines, linespans):
    """HTML with CSS classes (keywords only), each line in ``<span id="{linespans}-n">`` when asked."""
    out = []
    for number, line in enumerate(lines, 1):
        text = "".join(f'<span class="k">{html.escape(piece)}</span>' if kind == "k" else html.escape(piece)
                       for kind, piece in line) + "\n"
        out.append(f'<span id="{linespans}-{number}">{text}</span>' if linespans else text)
    return f'<div class="highlight"><pre><span></span><code>{"".join(out)}</code></pre></div>'


@pytest.fixture
def fake_highlighter(monkeypatch):
    """The fake highlighter on loopback as ``HIGHLIGHTER_URL``, checked against the document."""
    from apps.snippets import catalog

    fake = FakeHighlighter()
    checked = Checked(fake)
    server = make_server("127.0.0.1", 0, checked, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("HIGHLIGHTER_URL", f"http://127.0.0.1:{server.server_port}")
    catalog.forget()
    yield fake
    fake.released.set()
    server.shutdown()
    thread.join()
    catalog.forget()
    assert checked.violations == []
