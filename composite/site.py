"""Builds the whole site: the mounted apps inside the middleware that serves them all.

From the outside in: proxy headers (once, outermost, so every app agrees on scheme and
host; only from a trusted proxy), the request id, the Host check (before any app or static
file), the rate limits (per client address, as the proxy headers resolved it), static
files, the in-process HTTP client (whose calls come in below the limits: never counted
twice), ``/healthz``, then the dispatcher. Log lines of the
whole process escape control characters (``composite.logs``).
"""

from composite import logs, static
from composite.forwarded import ForwardedHeaders
from composite.health import HealthCheck
from composite.hosts import HostCheck, HostPolicy
from composite.mounts import mount_apps
from composite.ratelimit import RateLimit
from composite.requestid import RequestId
from composite.services import InProcessHTTP
from composite.settings import CompositeSettings


def create_site(settings=None):
    settings = settings or CompositeSettings.from_env()
    logs.install()
    hosts = HostPolicy.from_names(settings.allowed_hosts, settings.port)
    app = mount_apps(settings)
    app = HealthCheck(app, settings.prefixes())
    app = InProcessHTTP(app, hosts)
    app = static.serve(app, settings)
    if settings.rate_limits:
        storage = settings.redis_url or "memory://"
        app = RateLimit(app, settings.prefixes(), settings.budgets, storage)
    app = HostCheck(app, hosts)
    app = RequestId(app)
    return ForwardedHeaders(app, settings.proxy_hops, settings.proxy_peers)
