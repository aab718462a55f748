"""The composition's own settings: where each app is mounted and how the site is fronted.

Everything comes from the environment with a development default (12-factor). The apps'
own settings live with each app (``config/settings.py`` for the Django site).
"""

from dataclasses import dataclass, field

from apps import sitewide
from composite import forwarded
from composite.ratelimit import Budgets
from config import env

APPS = ("snippets", "highlighter", "diffviewer")


def url_variable(app):
    """Where an app is found when this process does not serve it: ``HIGHLIGHTER_URL`` etc."""
    return f"{app.upper()}_URL"


@dataclass(frozen=True)
class CompositeSettings:
    site_prefix: str = ""  # the Django paste site
    highlight_prefix: str = "/highlight"  # the Flask highlighter
    diff_prefix: str = "/diff"  # the Genshi diff viewer
    proxy_hops: int = 1  # how many proxies (a PaaS router) set X-Forwarded-* in front of us
    proxy_peers: str = "private"  # whose X-Forwarded-* count: private/loopback peers, "*", or networks
    allowed_hosts: tuple = field(default_factory=lambda: tuple(sitewide.allowed_hosts()))
    port: str = "8000"  # the port this server binds: a Host naming it is allowed
    debug: bool = False
    apps: tuple = APPS  # the apps this process serves; the others run as services of their own
    service_urls: tuple = ()  # (app, http(s) URL) for each app in APPS that is not in ``apps``
    rate_limits: bool = True  # RATELIMIT_ENABLED: the site's rate limits (composite.ratelimit)
    budgets: Budgets = Budgets()  # RATELIMIT_WRITES, _LOGIN, _HIGHLIGHT, _DIFF, _READS
    redis_url: str = ""  # where rate-limit counts are shared (else kept per process)

    @classmethod
    def from_env(cls):
        apps = tuple(env.words("MOUNT_APPS", APPS))
        settings = cls(
            site_prefix=env.prefix("SITE_PREFIX", cls.site_prefix),
            highlight_prefix=env.prefix("HIGHLIGHT_PREFIX", cls.highlight_prefix),
            diff_prefix=env.prefix("DIFF_PREFIX", cls.diff_prefix),
            proxy_hops=env.integer("PROXY_HOPS", cls.proxy_hops, minimum=0, maximum=10),
            proxy_peers=env.string("PROXY_PEERS", cls.proxy_peers).strip() or cls.proxy_peers,
            allowed_hosts=tuple(sitewide.allowed_hosts()),
            port=str(env.integer("PORT", int(cls.port), minimum=1, maximum=65535)),
            debug=env.boolean("DEBUG", cls.debug),
            apps=apps,
            service_urls=tuple((app, env.string(url_variable(app)).strip()) for app in APPS if app not in apps),
            rate_limits=env.boolean("RATELIMIT_ENABLED", cls.rate_limits),
            budgets=Budgets(**{kind: env.string(f"RATELIMIT_{kind.upper()}", rate) for kind, rate in vars(Budgets()).items()}),
            redis_url=env.string("REDIS_URL").strip(),
        )
        settings.check()
        return settings

    def check(self):
        for kind, rate in vars(self.budgets).items():
            try:
                Budgets(**{kind: rate}).items()
            except ValueError:
                raise env.ConfigError(
                    f"RATELIMIT_{kind.upper()}={rate!r} is not a rate; write e.g. 20/minute or 20/minute;200/hour "
                    "(empty for no limit)."
                ) from None
        try:
            forwarded.check_peers(self.proxy_peers)
        except ValueError:
            raise env.ConfigError(
                f"PROXY_PEERS={self.proxy_peers!r}: use private, * or comma-separated addresses or networks "
                "(10.0.0.0/8)."
            ) from None
        if not self.allowed_hosts:
            raise env.ConfigError("ALLOWED_HOSTS is empty; list the site's host names (comma-separated).")
        prefixes = [self.site_prefix, self.highlight_prefix, self.diff_prefix]
        if not self.highlight_prefix or not self.diff_prefix:
            raise env.ConfigError("HIGHLIGHT_PREFIX and DIFF_PREFIX cannot be the site root.")
        if len(set(prefixes)) != len(prefixes):
            raise env.ConfigError(f"Mount prefixes must differ, got {prefixes}.")
        unknown = [app for app in self.apps if app not in APPS]
        if unknown or not self.apps:
            raise env.ConfigError(f"MOUNT_APPS={','.join(self.apps)!r}: name one or more of {', '.join(APPS)}.")
        urls = dict(self.service_urls)
        for app in APPS:
            if app not in self.apps and not urls.get(app, "").startswith(("http://", "https://")):
                raise env.ConfigError(
                    f"{url_variable(app)}={urls.get(app, '')!r}: MOUNT_APPS leaves out {app}, so "
                    f"{url_variable(app)} must be the http(s) URL where its own service runs."
                )

    def prefixes(self):
        """Each mounted app's prefix, by app name."""
        every = {"snippets": self.site_prefix, "highlighter": self.highlight_prefix, "diffviewer": self.diff_prefix}
        return {app: prefix for app, prefix in every.items() if app in self.apps}
