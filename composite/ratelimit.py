"""Rate limits for the whole site: one policy, kept by the composite, unknown to the apps.

Public paste sites die of floods: one script can create thousands of snippets a minute or
keep the highlighter and the diff engine busy for everyone. So every request that costs
something is counted against a budget of its kind, per client address:

    writes     any POST/PUT/PATCH/DELETE to the paste site (create, fork, delete, report), and
               the diff viewer's Save (which makes two snippets through the paste site's API)
    login      POST to the paste site's admin login (guessing passwords)
    highlight  POST to the highlighter (its API, the legacy form, the playground)
    diff       POST to the diff viewer, and its /compare (which fetches and diffs)
    reads      every other request; off unless ``RATELIMIT_READS`` is set

The defaults are ones a person never meets and a script meets within seconds. Over its
budget a client gets ``429`` with ``Retry-After`` and the IETF draft's ``RateLimit`` and
``RateLimit-Policy`` headers: JSON under an API path, a short page for a person otherwise.

Counting uses the ``limits`` library: with ``REDIS_URL`` the counts live in Redis and are
shared by every worker and instance; without it, in this process. If the store fails the
request is served (fail open) and the log says so, at most once a minute.

The client is ``REMOTE_ADDR`` as ``ProxyFix`` resolved it (so this runs inside it); IPv6
clients are counted by their /64 network, the block one subscriber usually holds. Calls
between co-mounted apps go through ``InProcessHTTP``, inside this middleware, so they are
never counted again against the visitor whose request made them.
"""

import html
import ipaddress
import json
import logging
import math
import time
from dataclasses import dataclass

from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from composite import static

log = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FAILURE_LOG_EVERY = 60.0  # seconds between two "store unreachable" log lines
STORE_TIMEOUTS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}  # a hung Redis costs little


@dataclass(frozen=True)
class Budgets:
    """The rate of each kind of request, in ``limits`` notation (``20/minute;200/hour``)."""

    writes: str = "20/minute;200/hour"
    login: str = "5/minute;30/hour"
    highlight: str = "600/minute"
    diff: str = "60/minute;600/hour"
    reads: str = ""  # off

    def items(self):
        """``{kind: [RateLimitItem, ...]}`` for every kind with a rate set."""
        return {kind: parse_many(rate) for kind, rate in vars(self).items() if rate.strip()}


class Classifier:
    """Which budget a request draws on, from its method and path and the mount table alone."""

    def __init__(self, prefixes):
        self.snippets = prefixes.get("snippets")  # the paste site
        self.highlight = prefixes.get("highlighter")
        self.diff = prefixes.get("diffviewer")

    def __call__(self, method, path):
        if path == "/healthz":
            return None  # health probes are never limited
        safe = method in SAFE_METHODS
        if self.highlight is not None and under(path, self.highlight):
            return "reads" if safe else "highlight"
        if self.diff is not None and under(path, self.diff):
            if not safe and path.rstrip("/") == self.diff + "/save":
                return "writes"  # its snippets are made in-process, where nothing is counted
            if not safe or path.rstrip("/") == self.diff + "/compare":
                return "diff"
            return "reads"
        if self.snippets is not None and under(path, self.snippets):
            if safe:
                return "reads"
            return "login" if path.startswith(self.snippets + "/admin/login") else "writes"
        return "reads"


def under(path, prefix):
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def client_key(environ):
    """The address a budget is kept for: the client's IP, or its /64 for IPv6."""
    address = environ.get("REMOTE_ADDR") or "unknown"
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address[:64]
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


class RateLimit:
    """WSGI middleware: count each request against its budget, refuse it with 429 when spent."""

    def __init__(self, app, prefixes, budgets=None, storage_uri="memory://"):
        self.app = app
        self.classify = Classifier(prefixes)
        self.items = (budgets or Budgets()).items()
        self.storage_uri = storage_uri
        self._limiter = None  # made at first use, in the process that serves (after fork)
        self._last_failure_log = -math.inf

    @property
    def limiter(self):
        if self._limiter is None:
            options = STORE_TIMEOUTS if self.storage_uri.startswith(("redis://", "rediss://")) else {}
            self._limiter = SlidingWindowCounterRateLimiter(storage_from_string(self.storage_uri, **options))
        return self._limiter

    def __call__(self, environ, start_response):
        kind = self.classify(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""))
        items = self.items.get(kind)
        if items:
            client = client_key(environ)
            spent = self.spent(items, kind, client)
            if spent is not None:
                return self.refuse(environ, start_response, kind, client, spent)
        return self.app(environ, start_response)

    def spent(self, items, kind, client):
        """The first limit this request goes over (counting it), else None. Fails open."""
        try:
            for item in items:
                if not self.limiter.hit(item, kind, client):
                    return item
        except Exception as error:  # the store is down or unreachable: serve, and say so
            now = time.monotonic()
            if now - self._last_failure_log > FAILURE_LOG_EVERY:
                self._last_failure_log = now
                log.warning("rate limits not enforced: the store failed (%s: %s)", type(error).__name__, error)
        return None

    def refuse(self, environ, start_response, kind, client, item):
        try:
            reset = self.limiter.get_window_stats(item, kind, client).reset_time
            retry_after = max(1, math.ceil(reset - time.time()))
        except Exception:
            retry_after = item.get_expiry()
        retry_after = min(retry_after, item.get_expiry())
        window = item.get_expiry()
        message = (
            f"Too many requests of this kind ({kind}) from your address: the limit is "
            f"{item.amount} per {describe(window)}. Try again in {retry_after} s."
        )
        headers = [
            ("Retry-After", str(retry_after)),
            ("RateLimit-Policy", f'"{kind}";q={item.amount};w={window}'),
            ("RateLimit", f'"{kind}";r=0;t={retry_after}'),
            ("Cache-Control", "no-store"),
        ]
        if wants_json(environ):
            body = json.dumps({"error": {"code": "rate_limited", "message": message, "retry_after": retry_after}})
            headers.append(("Content-Type", "application/json"))
        else:
            body = PAGE.format(message=html.escape(message))
            headers.append(("Content-Type", "text/html; charset=utf-8"))
        data = body.encode()
        headers.append(("Content-Length", str(len(data))))
        start_response("429 Too Many Requests", headers)
        return [data]


def describe(seconds):
    names = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}
    return names.get(seconds, f"{seconds} s")


def wants_json(environ):
    path = environ.get("PATH_INFO", "")
    accept = environ.get("HTTP_ACCEPT", "")
    return "/api/" in path or path.endswith("/api") or "application/json" in accept


PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slow down — composite</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{static.SITE_STYLESHEET}"><script src="{static.SITE_SCRIPT}"></script></head>
<body><main><h1>Slow down a little</h1><p>{{message}}</p>
<p><a href="/">Back to the site</a></p></main></body></html>
"""
