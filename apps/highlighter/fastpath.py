"""The cache-hit fast path: a repeated ``POST /api/highlight`` answered before Flask runs.

A repeat request costs, through Flask, more than the request's whole share of a
hello-world: a request context, routing, JSON parsing, validation and hashing the checked
request for its cache key. This WSGI middleware (around ``app.wsgi_app``, so Flask's own
``__call__`` and test client keep working) remembers, for each raw request that led to a
cached result, that result's key: ``digest(request identity) -> cache key``. The identity
is everything the answer depends on: the method, the path, the whole ``Content-Type``
(a multipart boundary may be any length) and the whole body, each length-prefixed so no
two requests can run together into one digest. The same identity again is the same
request, so on a hit it sends the cached JSON bytes with the headers the Flask view would
send, and anything else (a miss, If-None-Match, a CORS origin to check, ``Cache-Control:
no-store``, a body without Content-Length or over ``MAX_BODY``) goes to Flask unchanged,
with the body it read put back. Tests check both paths answer byte for byte alike.

Memory: at most ``MAX_ENTRIES`` digests (about 200 bytes each with the key they map to,
some 2 MB), the least recently used forgotten first (cachetools' ``LRUCache``, behind a
lock: gthread workers share it).
"""

import hashlib
import io
import threading

from cachetools import LRUCache

from apps.highlighter import http

PATH = "/api/highlight"
MAX_BODY = 256 * 1024  # bodies up to this size are remembered
MAX_ENTRIES = 10_000
ENVIRON_KEY = "highlighter.cache_key"  # set by the view for a result now in the cache


def request_digest(environ, body: bytes) -> bytes:
    """A digest of everything that identifies this request's answer."""
    parts = (environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), environ.get("CONTENT_TYPE", ""))
    head = "".join(f"{len(part)}:{part}" for part in parts) + f"{len(body)}:"
    digest = hashlib.blake2b(head.encode("utf-8", "surrogateescape"), digest_size=32)
    digest.update(body)
    return digest.digest()


def forbids_storing(environ) -> bool:
    """``Cache-Control: no-store`` on the request: nothing about it may be kept or reused."""
    directives = environ.get("HTTP_CACHE_CONTROL")
    if not directives:
        return False
    return "no-store" in (item.strip().split("=")[0] for item in directives.lower().split(","))


class FastPath:
    def __init__(self, wsgi_app, cache, cors, cache_status_header=False):
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.keys = LRUCache(maxsize=MAX_ENTRIES)  # request digest -> result cache key
        self.keys_lock = threading.Lock()
        self.any_origin = cors == "*"
        self.headers = [("Content-Type", "application/json"), ("X-Highlighter-Version", http.VERSION),
                        ("X-Content-Type-Options", "nosniff")]
        if cache_status_header:
            self.headers.append(("X-Cache", "hit"))
        if self.any_origin:
            self.headers += [("Access-Control-Allow-Origin", "*"),
                             ("Access-Control-Expose-Headers", http.EXPOSE_HEADERS)]
        else:
            self.headers.append(("Vary", "Origin"))

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY or "HTTP_IF_NONE_MATCH" in environ or forbids_storing(environ) or (
                "HTTP_ORIGIN" in environ and not self.any_origin):
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        digest = request_digest(environ, body)
        with self.keys_lock:
            key = self.keys.get(digest)
        cached = self.cache.get(key) if key is not None else None
        if cached is not None:
            start_response("200 OK", [*self.headers, ("Content-Length", str(len(cached))),
                                      ("ETag", f'"hl-{key[:40]}"')])
            return [cached]
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        response = self.wsgi_app(environ, start_response)
        key = environ.get(ENVIRON_KEY)
        if key is not None:
            with self.keys_lock:
                self.keys[digest] = key
        return response
