"""In-process HTTP between co-mounted apps.

Apps call each other over HTTP only. When they share this process, a socket round trip to
our own server would be wasted work and, with one sync worker, a deadlock. So every request
carries, under ``composite.http_client`` in its WSGI environ, a factory for an httpx client
whose transport is the composite itself (``httpx.WSGITransport``): same HTTP semantics, no
socket. It keeps the caller's scheme and Host, so the called app sees the same site.
"""

import httpx

from apps.sitewide import IN_PROCESS_CLIENT as ENVIRON_KEY  # the key the apps look up


class InProcessHTTP:
    """WSGI middleware that offers the in-process client to the app it wraps."""

    def __init__(self, app):
        self.app = app
        self.transport = httpx.WSGITransport(app=self)

    def __call__(self, environ, start_response):
        environ[ENVIRON_KEY] = lambda: self.client_for(environ)
        return self.app(environ, start_response)

    def client_for(self, environ):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "localhost")
        base_url = f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
        return httpx.Client(transport=self.transport, base_url=base_url)
