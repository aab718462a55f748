"""Proxy headers (``X-Forwarded-For/-Proto/-Host/-Port``): believed only from a proxy, and only
when they make sense.

Werkzeug's ``ProxyFix`` applies the last ``PROXY_HOPS`` values of each header to the WSGI
environ, once, outside every app (inside the dispatcher it would lose the mount prefixes).
This module decides when it may, and cleans up after it:

- **From whom.** Anyone can send these headers. They are honoured only when the connection
  comes from ``PROXY_PEERS``: by default loopback and private addresses (and Unix sockets),
  which is where a PaaS router, a load balancer in the same network or a reverse proxy on
  this host connects from. A site exposed directly is reached from public addresses, whose headers are ignored,
  so nobody can pick the scheme of the URLs we build or the address the rate limits count.
- **What.** A scheme other than ``http`` or ``https`` is ignored (the connection's own scheme
  stays), and so is a client address that is not an IP address; a forwarded host must still
  be an allowed host on an allowed port, which ``composite.hosts.HostCheck`` enforces on the
  result.
"""

import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix

SCHEMES = ("http", "https")
ORIGINAL = "werkzeug.proxy_fix.orig"  # where ProxyFix keeps the values it replaced
# "private": loopback, RFC 1918, carrier-grade NAT (some PaaS networks), link-local (Cloud
# Run's front end), IPv6 unique-local (Fly.io's private network) and link-local.
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
    "::1/128", "fc00::/7", "fe80::/10",
))


def peer_rule(value):
    """``PROXY_PEERS`` as a predicate on ``REMOTE_ADDR``: ``private``, ``*``, or addresses/networks."""
    words = [word.strip() for word in value.split(",") if word.strip()]
    if "*" in words:
        return lambda address: True
    networks = [ipaddress.ip_network(word, strict=False) for word in words if word != "private"]
    local = "private" in words
    if local:
        networks += PRIVATE_NETWORKS

    def trusted(address):
        if not address:
            return local  # a Unix socket: the proxy is on this host
        try:
            ip = ipaddress.ip_address((address or "").strip("[]").split("%")[0])
        except ValueError:
            return False
        ip = getattr(ip, "ipv4_mapped", None) or ip
        return any(ip in network for network in networks)

    return trusted


def check_peers(value):
    """The ``PROXY_PEERS`` value if every word is usable, else ValueError naming the bad one."""
    for word in (word.strip() for word in value.split(",")):
        if word and word not in ("private", "*"):
            ipaddress.ip_network(word, strict=False)  # raises ValueError
    return value


class ForwardedHeaders:
    """WSGI middleware: ``ProxyFix`` for requests from a trusted peer, a sane scheme for all."""

    def __init__(self, app, hops, peers="private"):
        self.app = SaneValues(app)
        self.trusted = peer_rule(peers)
        self.proxied = ProxyFix(self.app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops) if hops else None

    def __call__(self, environ, start_response):
        if self.proxied is not None and self.trusted(environ.get("REMOTE_ADDR")):
            return self.proxied(environ, start_response)
        return self.app(environ, start_response)


class SaneValues:
    """After ``ProxyFix``: a scheme that is not http(s), or a client that is not an IP address,
    is dropped and the connection's own value kept."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        original = environ.get(ORIGINAL, {})
        scheme = str(environ.get("wsgi.url_scheme", "")).strip().lower()
        if scheme not in SCHEMES:
            scheme = original.get("wsgi.url_scheme")
        environ["wsgi.url_scheme"] = scheme if scheme in SCHEMES else "http"
        if "REMOTE_ADDR" in original and not is_address(environ.get("REMOTE_ADDR")):
            environ["REMOTE_ADDR"] = original["REMOTE_ADDR"]
        return self.app(environ, start_response)


def is_address(value):
    try:
        ipaddress.ip_address(value or "")
    except ValueError:
        return False
    return True
