"""The cache-hit fast path: a repeated ``POST /api/highlight`` answered before Flask runs.

A repeat request costs, through Flask, more than the request's whole share of a
hello-world: a request context, routing, JSON parsing, validation and hashing the checked
request for its cache key. This WSGI middleware (around ``app.wsgi_app``, so Flask's own
``__call__`` and test client keep working) remembers, for each raw body that led to a
cached result, that result's key: ``digest(Content-Type, body) -> cache key``. The same
bytes again are the same request, so on a hit it sends the cached JSON bytes with the
headers the Flask view would send, and anything else (a miss, If-None-Match, a CORS origin
to check, a body without Content-Length or over ``MAX_BODY``) goes to Flask unchanged,
with the body it read put back. Tests check both paths answer byte for byte alike.
"""

import hashlib
import io

from apps.highlighter import http

PATH = "/api/highlight"
MAX_BODY = 256 * 1024  # bodies up to this size are remembered
MAX_ENTRIES = 50_000  # remembered bodies (about 100 bytes each); forgotten all at once when full
ENVIRON_KEY = "highlighter.cache_key"  # set by the view for a result now in the cache


class FastPath:
    def __init__(self, wsgi_app, cache, cors):
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.keys = {}
        self.any_origin = cors == "*"
        self.headers = [("Content-Type", "application/json"), ("X-Highlighter-Version", http.VERSION),
                        ("X-Content-Type-Options", "nosniff"), ("X-Cache", "hit")]
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
        if not 0 <= length <= MAX_BODY or "HTTP_IF_NONE_MATCH" in environ or (
                "HTTP_ORIGIN" in environ and not self.any_origin):
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        digest = hashlib.blake2b(body, digest_size=20, key=environ.get("CONTENT_TYPE", "").encode()[:64]).digest()
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
            if len(self.keys) >= MAX_ENTRIES:
                self.keys.clear()
            self.keys[digest] = key
        return response
