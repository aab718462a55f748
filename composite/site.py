"""Builds the whole site: the mounted apps inside the middleware that serves them all.

From the outside in: proxy headers (once, outermost, so every app agrees on scheme and
host; only from a trusted proxy), the Host check (before any app or static file), static
files, the in-process HTTP client, ``/healthz``, then the dispatcher. Log lines of the
whole process escape control characters (``composite.logs``).
"""

from composite import logs, static
from composite.forwarded import ForwardedHeaders
from composite.health import HealthCheck
from composite.hosts import HostCheck, HostPolicy
from composite.mounts import announce_site, mount_apps
from composite.services import InProcessHTTP
from composite.settings import CompositeSettings


def create_site(settings=None):
    settings = settings or CompositeSettings.from_env()
    logs.install()
    announce_site(settings)
    hosts = HostPolicy.from_names(settings.allowed_hosts, settings.port)
    app = mount_apps(settings)
    app = HealthCheck(app, settings.prefixes())
    app = InProcessHTTP(app, hosts)
    app = static.serve(app, settings)
    app = HostCheck(app, hosts)
    return ForwardedHeaders(app, settings.proxy_hops, settings.proxy_peers)
