"""Builds the whole site: the mounted apps inside the middleware that serves them all.

From the outside in: proxy headers (once, outermost, so every app agrees on scheme and
host), static files, the in-process HTTP client, ``/healthz``, then the dispatcher. Log
lines of the whole process escape control characters (``composite.logs``).
"""

from werkzeug.middleware.proxy_fix import ProxyFix

from composite import logs, static
from composite.health import HealthCheck
from composite.mounts import announce_site, mount_apps
from composite.services import InProcessHTTP
from composite.settings import CompositeSettings


def create_site(settings=None):
    settings = settings or CompositeSettings.from_env()
    logs.install()
    announce_site(settings)
    app = mount_apps(settings)
    app = HealthCheck(app, settings.prefixes())
    app = InProcessHTTP(app)
    app = static.serve(app, settings)
    if settings.proxy_hops:
        hops = settings.proxy_hops
        app = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    return app
