"""Which ``Host`` the site answers to, checked once for every app at the composite's door.

A request whose Host (after the proxy headers were applied, see ``composite.forwarded``) is
not an allowed host on an allowed port gets a plain ``400`` before any app sees it, so no
app can build a URL, a redirect or a cached page from a name an attacker chose. Each app
still checks Host itself when it is deployed apart.

Names follow Django's ``ALLOWED_HOSTS`` (``apps.sitewide.allowed_hosts()``): ``example.com``,
``.example.com`` for it and its subdomains, ``*`` for any name. The matching is Django's own
(``split_domain_port``, ``validate_host``), so the composite and the paste site never
disagree. Ports: a Host without one, the scheme's default port, the port this server binds
(``PORT``), or a port written in an entry (``example.com:8443`` allows exactly that one).

``/healthz`` is answered whatever the Host: a load balancer's probe sends the instance's
address, and the health check builds no URL from it.
"""

import json
from dataclasses import dataclass

from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": "80", "https": "443"}
EXEMPT_PATHS = ("/healthz",)
SHOWN_HOST_CHARS = 100


@dataclass(frozen=True)
class HostPolicy:
    """The allowed ``(name pattern, port or None)`` pairs and the port this server binds."""

    entries: tuple  # ((pattern, port or ""), ...); "" means the usual ports
    bound_port: str = ""

    @classmethod
    def from_names(cls, names, bound_port=""):
        return cls(tuple(split_entry(name) for name in names), str(bound_port or ""))

    def allows(self, host, scheme="http"):
        """Whether a ``Host`` value (``name[:port]``) may be served over ``scheme``."""
        domain, port = split_domain_port(host or "")
        if not domain or (port and not 0 < int(port) < 65536):
            return False
        usual = {"", DEFAULT_PORTS.get(scheme, ""), self.bound_port}
        return any(
            validate_host(domain, [pattern]) and (port == wanted if wanted else port in usual)
            for pattern, wanted in self.entries
        )

    def own_host(self):
        """A Host every app accepts, for the site's calls to itself: the first plain name listed."""
        for pattern, port in self.entries:
            name = pattern.lstrip(".")
            if name and name != "*":
                return f"{name}:{port}" if port else name
        return "localhost"


def split_entry(entry):
    """``example.com:8443`` -> (``example.com``, ``8443``); ``[::1]`` -> (``[::1]``, ``""``)."""
    entry = entry.strip().lower()
    if entry == "*":
        return "*", ""
    domain, port = split_domain_port(entry)
    if domain and entry.startswith("."):
        domain = "." + domain.lstrip(".")
    return (domain, port) if domain else (entry, "")


def request_host(environ):
    """The Host a request names, as Django reads it: the header, else the server's name and port."""
    host = environ.get("HTTP_HOST")
    if host:
        return host
    port = environ.get("SERVER_PORT", "")
    name = environ.get("SERVER_NAME", "")
    default = DEFAULT_PORTS.get(environ.get("wsgi.url_scheme"))
    return name if not port or port == default else f"{name}:{port}"


class HostCheck:
    """WSGI middleware: ``400`` for a Host the site does not answer to, except on ``/healthz``."""

    def __init__(self, app, policy):
        self.app = app
        self.policy = policy

    def __call__(self, environ, start_response):
        host = request_host(environ)
        if environ.get("PATH_INFO") in EXEMPT_PATHS or self.policy.allows(host, environ.get("wsgi.url_scheme")):
            return self.app(environ, start_response)
        return refuse(environ, start_response, host)


def refuse(environ, start_response, host):
    shown = host[:SHOWN_HOST_CHARS].encode("ascii", "backslashreplace").decode("ascii")
    message = f"This site does not answer to the host name {shown!r}. Check the address you used."
    if "/api/" in environ.get("PATH_INFO", "") or "json" in environ.get("HTTP_ACCEPT", ""):
        body = json.dumps({"error": {"code": "bad_host", "message": message}}).encode()
        content_type = "application/json"
    else:
        body = (message + "\n").encode()
        content_type = "text/plain; charset=utf-8"
    start_response("400 Bad Request", [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ])
    return [body]
