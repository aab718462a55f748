"""A client of the site's public HTTP API, for the ``composite`` command line.

It knows the site only as a URL and its documented API (docs/snippets.md "curl API",
docs/diffviewer.md "API"): no Django, no app of ours is imported, so it starts fast and works
against any composite server, co-mounted or split. Every call has a timeout; every failure
is a ``Failed`` with a sentence for a person and the exit code the command ends with.

    Client("https://paste.example").paste(b"print(1)\\n", filename="a.py")   # -> Pasted
"""

import contextlib
import json
import re
import signal
import sys
import threading
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_DOWNLOAD = 64 * 1024 * 1024  # bytes a `get` (or any answer) reads at most (the site's snippets are far smaller)
MAX_ERROR = 64 * 1024  # bytes of an error answer read for its message
# One exchange's whole time: TIMEOUT is per read, and a server sending a byte a second (of its
# body or of endless headers) never lets it expire. Enough for MAX_DOWNLOAD at 256 KB/s.
EXCHANGE_SECONDS = 300.0
SNIPPET_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
BURN = "burn_after_reading"  # the error code of a burn snippet's raw URL answering a GET (read it by a POST)

# Exit codes (documented in `composite --help` and docs/snippets.md).
USAGE, UNREACHABLE, NOT_FOUND, REFUSED, TOO_LARGE, RATE_LIMITED, SERVER_ERROR = 2, 3, 4, 5, 6, 7, 8


class Failed(Exception):
    """What went wrong, for a person, and the exit code."""

    def __init__(self, message, exit_code):
        super().__init__(message)
        self.message, self.exit_code = message, exit_code


@dataclass(frozen=True)
class Pasted:
    id: str
    url: str
    raw_url: str
    delete_token: str
    lexer: str


@dataclass(frozen=True)
class Answer:
    """An API answer read whole (at most ``MAX_DOWNLOAD`` bytes)."""

    status_code: int
    content: bytes

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self, *keys):
        """The answer's JSON object, holding ``keys`` as text; Failed when it is not (a server that
        is not the site's API, or a broken one: a clear error, not a traceback)."""
        try:
            body = json.loads(self.content)
        except ValueError:
            body = None
        if not isinstance(body, dict) or not all(isinstance(body.get(key), str) for key in keys):
            raise Failed(f"The server's answer ({self.status_code}) is not the JSON the site's API sends.",
                         SERVER_ERROR)
        return body


@dataclass(frozen=True)
class Reference:
    """A snippet named by id or URL, and the site it lives on."""

    server: str
    id: str

    @property
    def page(self):
        return f"{self.server}/s/{self.id}"


def reference(text, server):
    """``abc123`` (on ``server``) or ``https://site/s/abc123[/raw…]`` -> Reference."""
    text = text.strip()
    if SNIPPET_ID.fullmatch(text):
        if not server:
            raise Failed(f"{text!r} is a snippet id: say which server (--server or COMPOSITE_URL).", USAGE)
        return Reference(server.rstrip("/"), text)
    parts = urlsplit(text)
    before, found, after = parts.path.rpartition("/s/")
    snippet_id = after.split("/", 1)[0]
    if parts.scheme not in ("http", "https") or not found or not SNIPPET_ID.fullmatch(snippet_id):
        raise Failed(f"{text!r} is neither a snippet id nor a snippet's URL (…/s/<id>).", USAGE)
    return Reference(f"{parts.scheme}://{parts.netloc}{before}", snippet_id)


class Client:
    def __init__(self, server, *, diff_url=None, transport=None):
        if not server:
            raise Failed("No server: pass --server URL or set COMPOSITE_URL.", USAGE)
        if urlsplit(server).scheme not in ("http", "https"):
            raise Failed(f"The server must be an http(s) URL, not {server!r}.", USAGE)
        self.server = server.rstrip("/")
        self.diff_url = (diff_url or self.server + "/diff").rstrip("/")
        self.http = httpx.Client(timeout=TIMEOUT, transport=transport, headers={"User-Agent": "composite-cli"})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.http.close()

    def paste(self, files, *, lexer="", title="", expires="", burn=False):
        """Create a snippet of ``files``: [(file name or "", bytes)]; one file may be unnamed."""
        fields = {"title": title, "lexer": lexer, "expires": expires}
        data = {name: value for name, value in fields.items() if value}
        if burn:
            data["burn"] = "true"
        answer = self.send("POST", f"{self.server}/api/snippets", data=data, files=uploads(files),
                           headers={"Accept": "application/json"})
        body = answer.json("id", "url", "raw_url", "delete_token")
        return Pasted(body["id"], body["url"], body["raw_url"], body["delete_token"], body.get("lexer", ""))

    def edit(self, ref: Reference, token, files, *, lexer="", title=""):
        """A new revision of ``files`` (every file it should hold): (revision URL or None when
        nothing changed, the revision's number)."""
        data = {name: value for name, value in {"lexer": lexer, "title": title}.items() if value}
        answer = self.send("PUT", f"{ref.server}/api/snippets/{ref.id}", data=data, files=uploads(files),
                           headers={"Authorization": f"Token {token}"}, what=f"snippet {ref.id}")
        body = answer.json()
        return (body.get("revision_url") if answer.status_code == 201 else None), body.get("revision")

    def raw(self, ref: Reference, *, filename=None, revision=None, burn=False) -> bytes:
        """The exact bytes of a snippet's file (the only one, or ``filename``), in the latest
        revision or in ``revision``. A burn-after-reading snippet answers a GET with 409: with
        ``burn``, it is then read by a POST to the same URL, its one reading (it is deleted)."""
        path = ref.page + (f"/{int(revision)}" if revision else "") + "/raw"
        if filename is not None:
            path += "/" + quote(filename, safe="")
        what = f"snippet {ref.id}" + (f" revision {revision}" if revision else "") + (
            f" file {filename!r}" if filename is not None else "")
        with self.reaching(ref.server), self.http.stream("GET", path) as answer:
            if not (burn and answer.status_code == 409):
                return self.received(answer, ref, what)
            body = at_most(answer, MAX_ERROR)
            if error_code(body) != BURN:
                self.fail(answer, body, what)
        # burn-after-reading: a GET never opens it; this POST is its one reading
        with self.reaching(ref.server), self.http.stream("POST", path) as answer:
            text = self.received(answer, ref, what)
        print(f"{ref.page} was burn-after-reading: this was its one reading, and it is now deleted.", file=sys.stderr)
        return text

    def received(self, answer, ref, what):
        """A raw answer's bytes (at most ``MAX_DOWNLOAD``), else Failed."""
        if answer.status_code == 300:
            names = listed(at_most(answer, MAX_ERROR))
            raise Failed(f"{ref.page} has several files: name one with --file ({names}).", USAGE)
        self.check(answer, what)
        return whole(answer, Failed(f"The snippet is larger than {MAX_DOWNLOAD} bytes; use its raw URL.", TOO_LARGE))

    def delete(self, ref: Reference, token):
        self.send("DELETE", f"{ref.server}/api/snippets/{ref.id}", headers={"Authorization": f"Token {token}"},
                  what=f"snippet {ref.id}")

    def diff_patch(self, old, new):
        """The unified diff of two (name, bytes) sides, from the diff viewer's API."""
        files = {"left": (old[0], old[1], "text/plain"), "right": (new[0], new[1], "text/plain")}
        return self.send("POST", f"{self.diff_url}/api/diff.patch", files=files).text

    def compare_url(self, old: Reference, new: Reference):
        """The diff page of two snippets of this server (read by reference, by their raw paths)."""
        def path(ref):
            return urlsplit(ref.page).path + "/raw"

        return f"{self.diff_url}/compare?left={quote(path(old), safe='/')}&right={quote(path(new), safe='/')}"

    def send(self, method, url, *, what="the request", **kwargs):
        """An API call's ``Answer``; Failed for an error answer or one over ``MAX_DOWNLOAD``."""
        with self.reaching(url), self.http.stream(method, url, **kwargs) as answer:
            self.check(answer, what)
            content = whole(answer, Failed(f"The server's answer is larger than {MAX_DOWNLOAD} bytes.", SERVER_ERROR))
        return Answer(answer.status_code, content)

    @contextlib.contextmanager
    def reaching(self, url):
        """Network failures (refused, reset, timed out, mid-answer too) as Failed; an exchange
        not over in ``EXCHANGE_SECONDS`` too (``deadline``)."""
        server = urlsplit(url).netloc
        try:
            with deadline(EXCHANGE_SECONDS, f"{server} did not finish answering in {EXCHANGE_SECONDS:g} s."):
                yield
        except httpx.TimeoutException:
            raise Failed(f"{server} did not answer in time.", UNREACHABLE) from None
        except httpx.HTTPError as error:
            raise Failed(f"Cannot reach {server}: {error}.", UNREACHABLE) from None

    def check(self, answer, what):
        """Raise Failed for an error answer (a streamed one: at most ``MAX_ERROR`` of it is read),
        with the server's own message when it sent one."""
        if answer.status_code >= 400:
            self.fail(answer, at_most(answer, MAX_ERROR), what)

    def fail(self, answer, body, what):
        """Raise Failed for an error answer whose ``body`` (or its start) was read."""
        status = answer.status_code
        message = error_message(body) or f"HTTP {status}"
        if status in (404, 410):
            raise Failed(f"No such {what} ({status}): {message}", NOT_FOUND)
        if status == 413:
            raise Failed(f"Too large for the server: {message}", TOO_LARGE)
        if status == 429:
            wait = answer.headers.get("Retry-After")
            raise Failed(f"Too many requests; try again{f' in {wait} s' if wait else ' later'}.", RATE_LIMITED)
        if status >= 500:
            raise Failed(f"The server failed ({status}): {message}", SERVER_ERROR)
        raise Failed(f"The server refused {what} ({status}): {message}", REFUSED)


@contextlib.contextmanager
def deadline(seconds, message):
    """Failed(``message``, UNREACHABLE) out of whatever blocks once ``seconds`` have passed (a
    timer signal, so in the main thread only: elsewhere no limit but the per-read timeouts)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise Failed(message, UNREACHABLE)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def uploads(files):
    """Multipart ``file`` fields, each named after its file (the site's multi-file form); an
    unnamed single file is sent as ``content``, the site's one-file field."""
    if len(files) == 1 and not files[0][0]:
        return [("content", (None, files[0][1], "text/plain"))]  # a field, not an upload: no name
    return [("file", (name, content, "text/plain")) for name, content in files]


def at_most(answer, limit):
    """The first ``limit`` bytes of a streamed answer's body; the rest is never read."""
    body = bytearray()
    for chunk in answer.iter_bytes():
        body += chunk
        if len(body) >= limit:
            break
    del body[limit:]
    return bytes(body)


def whole(answer, too_large):
    """A streamed answer's whole body, at most ``MAX_DOWNLOAD`` bytes; past that, ``too_large``
    is raised (with no more of it read)."""
    body = at_most(answer, MAX_DOWNLOAD + 1)
    if len(body) > MAX_DOWNLOAD:
        raise too_large
    return body


def listed(body):
    """The file names a 300 answer's ``body`` lists, one per line of its text."""
    names = [line.split("\t", 1)[0] for line in body.decode("utf-8", "replace").splitlines() if line.strip()]
    return ", ".join(names[:20]) + (" …" if len(names) > 20 else "")


def error_code(body):
    """The ``{"error": {"code"}}`` of an answer's body, else None."""
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def error_message(body):
    """The ``{"error": {"message"}}`` the site's APIs send, else None."""
    try:
        return str(json.loads(body)["error"]["message"])[:500]
    except (ValueError, KeyError, TypeError):
        return None
