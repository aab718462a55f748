"""Answer only the site's own host names: ``Host`` is checked before anything else runs.

Werkzeug builds redirects from ``Host`` (``/styles//default.css`` is redirected to
``http://<Host>/styles/default.css``), and such a redirect is cacheable: a CDN in front of
the highlighter could be poisoned with one aimed at another site. So a request whose
``Host`` is not one of ``sitewide.allowed_hosts()`` gets ``400`` here, as JSON like every
other error of this app, before the fast path or Flask sees it. Co-mounted, the
composite has checked ``Host`` already; this check is for the highlighter deployed apart.

Names follow Django's ``ALLOWED_HOSTS`` syntax (``example.com``, ``.example.com`` for it
and its subdomains, ``*`` for any well-formed name), matched by Werkzeug's
``host_is_trusted`` (ports are not compared). An empty list answers no host at all, as
Django does outside DEBUG.
"""

import json
import logging

from werkzeug.sansio.utils import host_is_trusted

log = logging.getLogger(__name__)

SHOWN_HOST_CHARS = 100
REMEMBERED_HOSTS = 64  # verdicts kept per process (a request's hot path is a dict lookup)


class TrustedHosts:
    def __init__(self, wsgi_app, allowed_hosts):
        self.wsgi_app = wsgi_app
        names = [name for name in allowed_hosts if name]
        self.any_host = "*" in names
        self.names = [name for name in names if name != "*"]
        self.verdicts = {}
        self.advice = "The names it answers to are set by ALLOWED_HOSTS."
        if not names:
            self.advice = "ALLOWED_HOSTS is empty, so it answers no host: set it (or DEBUG=true for localhost)."
            log.warning("ALLOWED_HOSTS is empty and DEBUG is off: the highlighter will answer every request 400 bad_host")

    def allows(self, host):
        verdict = self.verdicts.get(host)
        if verdict is None:
            if len(self.verdicts) >= REMEMBERED_HOSTS:
                self.verdicts.clear()
            verdict = self.verdicts[host] = self.check(host)
        return verdict

    def check(self, host):
        if self.any_host:
            return host_is_trusted(host, None)  # still a well-formed name and port
        return bool(self.names) and host_is_trusted(host, self.names)

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if self.allows(host):
            return self.wsgi_app(environ, start_response)
        shown = json.dumps(host[:SHOWN_HOST_CHARS])
        body = json.dumps({"error": {
            "code": "bad_host",
            "message": f"This highlighter does not answer to the host {shown}. {self.advice}",
        }}).encode()
        start_response("400 Bad Request", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                           ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
        return [body]
