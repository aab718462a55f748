"""In-process HTTP between co-mounted apps.

Apps call each other over HTTP only. When they share this process, a socket round trip to
our own server would be wasted work and, with one sync worker, a deadlock. So every request
carries, under ``composite.http_client`` in its WSGI environ, a factory for an httpx client
whose transport is the composite itself (``httpx.WSGITransport``): same HTTP semantics, no
socket. It keeps the caller's scheme and Host, so the called app sees the same site, when
they are ones the site answers to; otherwise (``/healthz`` probed by address, an odd
scheme) it speaks as the site's own first allowed host over http. ``factory(own_host=True)``
always does: for calls that are about the site, not about the visitor.
"""

import httpx

from apps.sitewide import IN_PROCESS_CLIENT as ENVIRON_KEY  # the key the apps look up
from composite.hosts import request_host

SCHEMES = ("http", "https")


class InProcessHTTP:
    """WSGI middleware that offers the in-process client to the app it wraps."""

    def __init__(self, app, hosts):
        self.app = app
        self.hosts = hosts  # a composite.hosts.HostPolicy
        self.transport = httpx.WSGITransport(app=self)

    def __call__(self, environ, start_response):
        environ[ENVIRON_KEY] = lambda own_host=False: self.client_for(environ, own_host)
        return self.app(environ, start_response)

    def client_for(self, environ, own_host=False):
        return httpx.Client(transport=self.transport, base_url=self.base_url(environ, own_host))

    def base_url(self, environ, own_host=False):
        """The caller's scheme and Host when the site answers to them, else the site's own."""
        scheme, host = environ.get("wsgi.url_scheme"), request_host(environ)
        if not own_host and scheme in SCHEMES and self.hosts.allows(host, scheme):
            url = f"{scheme}://{host}"
            try:
                httpx.URL(url)
                return url
            except httpx.InvalidURL:
                pass
        return f"http://{self.hosts.own_host()}"
