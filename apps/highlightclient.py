"""The highlighter's HTTP contract as its consumers use it: one small client, shared.

The paste site and the diff viewer both ask the highlighter for things; this module is the
only place that knows how, and it knows only what ``GET /api/openapi.json`` publishes
(``apps/highlighter/openapi.py``): ``POST /api/highlight`` (and ``/api/highlight/batch``, formats
``html``, ``classes`` and ``runs``), ``GET /api/lexers``,
``GET /api/styles``, ``GET /styles/{style}.css``, their JSON shapes, error codes and the ``X-Highlighter-Version`` header.
Any server that honours that document will do; none of its internals (``/_health``,
Pygments' token types) are read here. A highlight whose lexer the highlighter detected comes
with its ``detection`` (``Detection``: the rule that decided, a confidence, the candidates).

Callers hand it an httpx client whose relative URLs reach the highlighter
(``sitewide.service_client``, which carries the request id and the caller's timeout), so
where the highlighter lives and how long to wait stay the caller's business. Every answer is
read in chunks and abandoned past a byte limit, so a broken or hostile highlighter cannot
make a consumer hold an unbounded answer. What can go wrong is said with two exceptions:

- ``Unavailable``: no usable answer (unreachable, too slow, not JSON, cut off); asking again
  later may work. ``timed_out`` says whether it was the time limit.
- ``Refused``: the highlighter answered, but not with what was asked: its error ``code``
  and ``message`` (both None when the answer was not a documented error) and the ``status``.

Imports no web framework and no app.
"""

import json
import re
import threading
import time
from dataclasses import dataclass

import httpx

MAX_ANSWER_BYTES = 64 * 1024 * 1024  # a highlight answer (the service's own cap is 16 MiB by default)
MAX_CATALOG_BYTES = 4 * 1024 * 1024  # the lexer or style list (about 100 kB with Pygments 2.21)
MAX_STYLESHEET_BYTES = 256 * 1024  # a style's CSS (about 5 kB with Pygments 2.21)
NO_STORE = {"Cache-Control": "no-store"}  # this code must be kept in no cache (burn-after-reading)
# The CSS classes of one token as format "classes" gives them: names a page may put in class="…".
CLASSES = re.compile(r"[A-Za-z0-9_-]+(?: [A-Za-z0-9_-]+)*|")


class Unavailable(Exception):
    """No usable answer from the highlighter; asking again later may work."""

    def __init__(self, reason, timed_out=False):
        super().__init__(reason)
        self.timed_out = timed_out


class Refused(Exception):
    """The highlighter answered, but not with a result: a documented error, or something else."""

    def __init__(self, status, code=None, message=None):
        super().__init__(f"{status} {code or ''}: {message or ''}".strip())
        self.status, self.code, self.message = status, code, message


RULES = frozenset({"filename", "shebang", "modeline", "model", "pygments", "fallback"})


@dataclass(frozen=True)
class Candidate:
    """A language the highlighter weighed: its lexer alias, its name, its score (0 to 1)."""

    alias: str
    name: str
    score: float


@dataclass(frozen=True)
class Detection:
    """How the highlighter detected the lexer (the answer's ``detection``).

    ``rule``: what decided, one of ``RULES`` (``filename``, ``shebang``, ``modeline``, ``model``,
    ``pygments``, ``fallback`` for plain text when nothing was sure enough); ``confidence`` from 0
    to 1; ``candidates`` the languages weighed, best first.
    """

    rule: str
    confidence: float
    candidates: tuple = ()


@dataclass(frozen=True)
class Highlighted:
    """A ``format: html`` result: the HTML, the lexer that made it, and how it was detected
    (``detection``: a ``Detection`` when the lexer was detected, None when it was named)."""

    html: str
    lexer_name: str
    lexer_alias: str
    detection: Detection | None = None


@dataclass(frozen=True)
class Catalog:
    """What the highlighter offers: lexers (``{"name", "aliases", ...}``), style names, its version."""

    lexers: list
    styles: list
    version: str


class Remembered:
    """What the highlighter answered (its catalog, a menu made from it), kept per highlighter URL
    for ``ttl`` seconds: pages need it often, and asking each time would cost a request to another
    app. When it does not answer (``fetch`` gives None) the last answer (or ``empty``) is kept and
    it is asked again after ``retry`` seconds. One fetch at a time per process."""

    def __init__(self, empty):
        self.empty = empty
        self._lock = threading.Lock()
        self._entries = {}  # key -> (value, monotonic time to ask again)

    def get(self, key, fetch, ttl, retry):
        value, ask_at = self._entries.get(key, (self.empty, 0.0))
        if time.monotonic() < ask_at:
            return value
        with self._lock:
            value, ask_at = self._entries.get(key, (self.empty, 0.0))
            if time.monotonic() < ask_at:
                return value
            fetched = fetch()
            if fetched is None:
                self._entries[key] = (value, time.monotonic() + retry)
                return value
            self._entries[key] = (fetched, time.monotonic() + ttl)
            return fetched

    def values(self):
        return [value for value, _ in list(self._entries.values())]

    def forget(self):
        self._entries.clear()


def lexer_alias(entry):
    """The name a lexer of ``/api/lexers`` goes by: its first alias, else its name."""
    return (entry.get("aliases") or [entry["name"]])[0]


def language_menu(lexers):
    """``((alias, name), …)``: what a language menu offers from the highlighter's lexer list, in
    its order, each sent back as its first alias and shown by its name; plain text aside (each
    menu offers it next to auto). The paste site's and the diff viewer's menus are this one."""
    return tuple(
        (lexer_alias(entry), entry["name"])
        for entry in lexers
        if entry.get("aliases") != ["text"]
    )


def highlight_html(client, code, *, lexer=None, filename=None, guess=False, options=None, no_store=False,
                   max_bytes=MAX_ANSWER_BYTES):
    """``code`` as HTML with CSS classes (``Highlighted``); raises ``Unavailable`` or ``Refused``.

    The lexer is ``lexer`` when given, else chosen from ``filename`` and, with ``guess``, the
    content. ``no_store``: the highlighter must keep this code in no cache.
    """
    body = request_fields(code, lexer=lexer, filename=filename, guess=guess, options=options)
    status, data, _ = post(client, body, NO_STORE if no_store else {}, max_bytes)
    if status != 200 or not isinstance(data, dict) or not isinstance(data.get("output"), str):
        raise refusal(status, data)
    chosen = data.get("lexer") if isinstance(data.get("lexer"), dict) else {}
    return Highlighted(html=data["output"], lexer_name=str(chosen.get("name") or "Text only"),
                       lexer_alias=str(chosen.get("alias") or chosen.get("name") or ""),
                       detection=detection(data.get("detection")))


def detection(data):
    """The ``Detection`` an answer's ``detection`` describes, or None if it has none (or a malformed one)."""
    if not (isinstance(data, dict) and data.get("rule") in RULES and is_score(data.get("confidence"))):
        return None
    candidates = data.get("candidates") if isinstance(data.get("candidates"), list) else []
    return Detection(rule=data["rule"], confidence=float(data["confidence"]), candidates=tuple(
        Candidate(alias=item["lexer"], name=item["name"], score=float(item["score"]))
        for item in candidates[:10]
        if isinstance(item, dict) and isinstance(item.get("lexer"), str) and isinstance(item.get("name"), str)
        and is_score(item.get("score"))))


def is_score(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def token_classes(client, code, *, lexer=None, filename=None, max_bytes=MAX_ANSWER_BYTES):
    """``code``'s lines as ``[(css classes, text), ...]`` (``format: classes``).

    One item per line of ``code`` (a final newline ends the last line, it does not start one);
    a line whose tokens do not spell it, or whose classes are not plain class names, is None.
    Raises ``Unavailable`` or ``Refused`` (a malformed answer is refused too).
    """
    body = request_fields(code, lexer=lexer, filename=filename, format="classes")
    status, data, _ = post(client, body, {}, max_bytes)
    output = data.get("output") if isinstance(data, dict) else None
    if status != 200 or not isinstance(output, list):
        raise refusal(status, data)
    lines = classes_lines(status, output, code)
    if isinstance(lines, Refused):
        raise lines
    return lines


def token_runs_batch(client, items, *, naming=None, max_bytes=MAX_ANSWER_BYTES):
    """Many texts' ``token_classes`` in ONE request (``POST /api/highlight/batch``), asked as
    ``format: runs``: no token text is sent back (each item's classes once, two numbers per run);
    ``items`` are ``(code, lexer, filename)``. The answer has one entry per item, in order: its
    token lines as ``token_classes`` gives them, or the ``Refused`` that item got (the others are
    still good). The whole batch raises ``Unavailable`` or ``Refused`` (a timeout kills it whole).

    ``naming(classes)``, when given, is what a line's pairs carry instead of the classes (a page's
    own class names, say); it is called once per distinct classes of an item, and neighbouring
    runs named alike are one pair. A line whose runs do not cover its text exactly is None; an
    item whose classes are not plain class names is refused.
    """
    status, results = batch(client, items, "runs", max_bytes)
    return [item_runs(status, result, code, naming) for (code, _, _), result in zip(items, results)]


def batch(client, items, output_format, max_bytes):
    """``POST /api/highlight/batch`` of ``(code, lexer, filename)`` items in ``output_format``:
    (status, one result per item, in order); raises ``Refused`` or ``Unavailable`` for the whole."""
    body = {"items": [request_fields(code, lexer=lexer, filename=filename, format=output_format)
                      for code, lexer, filename in items]}
    status, data, _ = exchange(client, "POST", "/api/highlight/batch", max_bytes, json=body)
    results = data.get("results") if isinstance(data, dict) else None
    if status != 200 or not isinstance(results, list):
        raise refusal(status, data)
    if len(results) != len(items):
        raise Refused(status, message=f"{len(results)} results for {len(items)} items")
    return status, results


def item_runs(status, result, code, naming):
    """One ``runs`` batch item's token lines, or the ``Refused`` it got."""
    output = result.get("output") if isinstance(result, dict) else None
    if not isinstance(output, dict):
        return refusal(status, result)
    names, runs = output.get("classes"), output.get("lines")
    if not (isinstance(names, list) and isinstance(runs, list)
            and all(isinstance(name, str) and plain_classes(name) for name in names)):
        return Refused(status, message="the runs are not classes and lines")
    expected = code_lines(code)
    if len(runs) != len(expected):
        return Refused(status, message=f"{len(runs)} token lines for {len(expected)} lines")
    if naming is not None:
        names = [naming(name) for name in names]
    return [runs_line(line, text.removesuffix("\r"), names) for line, text in zip(runs, expected)]


def runs_line(runs, text, names):
    """A line's ``[(name, text), ...]`` from its runs (class index, length, …), or None unless
    they are numbers that cover ``text`` exactly. Only ``text`` is ever shown, sliced here."""
    pieces, start, previous = [], 0, None
    try:
        for number, length in zip(runs[::2], runs[1::2]):
            name = names[number]
            if length <= 0 or number < 0:
                return None
            if name != previous:  # a neighbour named alike is one piece with it
                pieces.append((name, start))
                previous = name
            start += length
        if start != len(text) or len(runs) % 2:
            return None
        ends = [at for _, at in pieces[1:]]
        ends.append(start)
        # sliced in here: lengths that add up but are not whole (0.5, 1.0) fail as slice indices
        return [(name, text[at:end]) for (name, at), end in zip(pieces, ends)]
    except (TypeError, IndexError, KeyError):  # not a list of whole numbers, or no such classes
        return None


def code_lines(code):
    """The lines of ``code`` as a token stream numbers them: a final newline ends the last line."""
    lines = code.split("\n")
    if code.endswith("\n"):
        lines.pop()
    return lines


def classes_lines(status, output, code):
    """``format: classes`` output checked against the code it lexed (see ``token_classes``)."""
    expected = code_lines(code)
    if len(output) != len(expected):
        return Refused(status, message=f"{len(output)} token lines for {len(expected)} lines")
    return [checked_line(pairs, text.removesuffix("\r")) for pairs, text in zip(output, expected)]


def catalog(client, max_bytes=MAX_CATALOG_BYTES):
    """The lexers, styles and version the highlighter offers; raises ``Unavailable`` or ``Refused``.

    The version is the lexer list's ``X-Highlighter-Version`` ("unknown" if it sends none).
    A style list the highlighter answers with anything but a 200 and a JSON list is empty:
    the lexers are what matters. A timeout or a lost connection while asking for the styles
    is ``Unavailable`` for the whole catalog, as it is for the lexers.
    """
    status, lexers, headers = get(client, "/api/lexers", max_bytes)
    if status != 200 or not isinstance(lexers, list):
        raise refusal(status, lexers)
    status, styles, _ = get(client, "/api/styles", max_bytes)
    styles = styles if status == 200 and isinstance(styles, list) else []
    return Catalog(
        lexers=[entry for entry in lexers if isinstance(entry, dict) and isinstance(entry.get("name"), str)
                and entry["name"]],
        styles=[name for name in ((item.get("name") if isinstance(item, dict) else item) for item in styles)
                if isinstance(name, str)],
        version=headers.get("X-Highlighter-Version") or "unknown",
    )


def style_css(client, style, selector, max_bytes=MAX_STYLESHEET_BYTES):
    """The CSS of Pygments style ``style`` scoped under ``selector`` (``GET /styles/{style}.css``),
    as text; raises ``Unavailable`` or ``Refused`` (an unknown style, a refused selector)."""
    try:
        with client.stream("GET", f"/styles/{style}.css", params={"selector": selector}) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                if len(body) + len(chunk) > max_bytes:
                    raise too_large(max_bytes)
                body += chunk
            status, kind = response.status_code, response.headers.get("Content-Type", "")
    except httpx.TimeoutException as error:
        raise Unavailable(f"no answer in time ({type(error).__name__})", timed_out=True) from None
    except Refused:
        raise
    except Exception as error:  # noqa: BLE001 -- as in exchange()
        raise Unavailable(f"not reached ({type(error).__name__})") from None
    if status != 200 or not kind.startswith("text/css"):
        raise Refused(status, None, f"the stylesheet was answered {status} {kind}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(status, None, "the stylesheet is not UTF-8") from None


def request_fields(code, *, lexer=None, filename=None, guess=False, options=None, format=None):
    """The body of a highlight request: only the fields that say something."""
    fields = {"code": code}
    if format:
        fields["format"] = format
    if lexer:
        fields["lexer"] = lexer
    elif filename:
        fields["filename"] = filename
    if guess and not lexer:
        fields["guess"] = True
    if options:
        fields["options"] = options
    return fields


def checked_line(pairs, text):
    """A line's ``[(classes, text), ...]``, or None unless it is well formed and spells ``text``."""
    if not isinstance(pairs, list):
        return None
    line = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and isinstance(pair[1], str)
                and plain_classes(pair[0])):
            return None
        line.append((pair[0], pair[1]))
    return line if "".join(piece for _, piece in line) == text else None


_PLAIN_CLASSES = {}  # classes -> whether plain; a few dozen distinct values, checked per token
_PLAIN_CLASSES_KEPT = 4096


def plain_classes(classes):
    """Whether ``classes`` are plain CSS class names a page may put in ``class="…"``."""
    known = _PLAIN_CLASSES.get(classes)
    if known is None:
        known = CLASSES.fullmatch(classes) is not None
        if len(_PLAIN_CLASSES) < _PLAIN_CLASSES_KEPT:
            _PLAIN_CLASSES[classes] = known
    return known


def refusal(status, data):
    """``Refused`` for an answer that is not the result asked for, with its documented error if any."""
    error = data.get("error") if isinstance(data, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return Refused(status, code if isinstance(code, str) else None, message if isinstance(message, str) else None)


def post(client, body, headers, max_bytes):
    return exchange(client, "POST", "/api/highlight", max_bytes, json=body, headers=headers)


def get(client, path, max_bytes):
    return exchange(client, "GET", path, max_bytes)


def exchange(client, method, path, max_bytes, **request):
    """``(status, parsed JSON, headers)`` of one request, its body read up to ``max_bytes``.

    Anything that keeps a JSON answer from arriving whole raises ``Unavailable``. In the
    composite the highlighter runs in this process, so its own failures surface here as any
    exception: they mean the same.
    """
    try:
        with client.stream(method, path, **request) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise too_large(max_bytes)
            body = bytearray()  # grown in place: never the chunks and their join at once
            for chunk in response.iter_bytes():
                if len(body) + len(chunk) > max_bytes:
                    raise too_large(max_bytes)
                body += chunk
            status, headers = response.status_code, response.headers
    except httpx.TimeoutException as error:
        raise Unavailable(f"no answer in time ({type(error).__name__})", timed_out=True) from None
    except (Unavailable, Refused):
        raise
    except Exception as error:  # noqa: BLE001 -- httpx.HTTPError, or the in-process highlighter's own failure
        raise Unavailable(f"not reached ({type(error).__name__})") from None
    try:
        return status, json.loads(body), headers
    except ValueError:
        raise Unavailable(f"answered {status} with something that is not JSON") from None


def too_large(max_bytes):
    return Refused(422, "output_too_large", f"the answer is larger than {max_bytes:,} bytes")
