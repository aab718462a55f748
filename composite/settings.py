"""The composition's own settings: where each app is mounted and how the site is fronted.

Everything comes from the environment with a development default (12-factor), declared and
checked by ``apps.environment``. The apps' own settings live with each app
(``config/settings.py`` for the Django paste site); ``composite.mounts`` hands each app
what it must know from here.
"""

import logging
from dataclasses import dataclass, field, replace

from apps import environment as env
from apps import sitewide
from composite import forwarded
from composite.ratelimit import Budgets

log = logging.getLogger(__name__)

APPS = sitewide.APPS
RATE = "a rate such as 20/minute or 20/minute;200/hour (empty for no limit)"


def one_app(name):
    if name not in APPS:
        raise ValueError(name)
    return name


def rates(text):
    Budgets(writes=text).items()  # raises ValueError for a malformed rate


SNIPPETS_PREFIX = env.Prefix("SNIPPETS_PREFIX", "")  # the Django paste site
SITE_PREFIX = env.Prefix("SITE_PREFIX", "")  # deprecated: the former name of SNIPPETS_PREFIX
HIGHLIGHT_PREFIX = env.Prefix("HIGHLIGHT_PREFIX", "/highlight")  # the Flask highlighter
DIFF_PREFIX = env.Prefix("DIFF_PREFIX", "/diff")  # the Genshi diff viewer
PROXY_HOPS = env.Integer("PROXY_HOPS", 1, minimum=0, maximum=10)
PROXY_PEERS = env.Checked("PROXY_PEERS", "private", check=forwarded.check_peers,
                          expected="private, * or comma-separated addresses or networks (10.0.0.0/8)")
PORT = env.Integer("PORT", 8000, minimum=1, maximum=65535)
MOUNT_APPS = env.Words("MOUNT_APPS", APPS, item=one_app, expected=f"one or more of {', '.join(APPS)}, comma-separated")
RATELIMIT_ENABLED = env.Boolean("RATELIMIT_ENABLED", True)
RATELIMITS = {kind: env.Checked(f"RATELIMIT_{kind.upper()}", rate, check=rates, expected=RATE, empty_is_value=True)
              for kind, rate in vars(Budgets()).items()}
REDIS_URL = env.REDIS_URL  # declared once (apps.environment): the paste site and the highlighter read it too


def url_variable(app):
    """Where an app is found when this process does not serve it: ``HIGHLIGHTER_URL`` etc."""
    return sitewide.SERVICE_URLS[app].name


@dataclass(frozen=True)
class CompositeSettings:
    snippets_prefix: str = ""  # the Django paste site
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
    def from_env(cls, **overrides):
        """The settings the environment gives, then ``overrides`` (``port=`` from a command line)."""
        apps = MOUNT_APPS.read()
        settings = cls(
            snippets_prefix=snippets_prefix(),
            highlight_prefix=HIGHLIGHT_PREFIX.read(),
            diff_prefix=DIFF_PREFIX.read(),
            proxy_hops=PROXY_HOPS.read(),
            proxy_peers=PROXY_PEERS.read(),
            allowed_hosts=tuple(sitewide.allowed_hosts()),
            port=str(PORT.read()),
            debug=sitewide.DEBUG.read(),
            apps=apps,
            service_urls=tuple((app, sitewide.SERVICE_URLS[app].read() or "") for app in APPS if app not in apps),
            rate_limits=RATELIMIT_ENABLED.read(),
            budgets=Budgets(**{kind: setting.read() for kind, setting in RATELIMITS.items()}),
            redis_url=REDIS_URL.read(),
        )
        settings = replace(settings, **overrides)
        settings.check()
        return settings

    def check(self):
        """Refuse what cannot work, naming the variable (values given in code included)."""
        for kind, rate in vars(self.budgets).items():
            RATELIMITS[kind].coerce(rate)
        PROXY_PEERS.coerce(self.proxy_peers)
        if not self.allowed_hosts:
            sitewide.ALLOWED_HOSTS.fail("", "the site's host names, comma-separated")
        for setting, prefix in ((HIGHLIGHT_PREFIX, self.highlight_prefix), (DIFF_PREFIX, self.diff_prefix)):
            if not prefix:
                setting.fail(prefix, f"a path other than the site's root, e.g. {setting.default}")
        taken = {self.snippets_prefix: SNIPPETS_PREFIX.name}
        for setting, prefix in ((HIGHLIGHT_PREFIX, self.highlight_prefix), (DIFF_PREFIX, self.diff_prefix)):
            if prefix in taken:
                setting.fail(prefix, f"a path other than {taken[prefix]}'s")
            taken[prefix] = setting.name
        unknown = [app for app in self.apps if app not in APPS]
        if unknown or not self.apps:
            MOUNT_APPS.fail(",".join(self.apps))
        urls = dict(self.service_urls)
        for app in APPS:
            if app not in self.apps and not urls.get(app, "").startswith(("http://", "https://")):
                sitewide.SERVICE_URLS[app].fail(
                    urls.get(app, ""), f"the http(s) URL where the {app}'s own service runs, as MOUNT_APPS leaves it out")

    def prefixes(self):
        """Each mounted app's prefix, by app name."""
        every = {"snippets": self.snippets_prefix, "highlighter": self.highlight_prefix, "diffviewer": self.diff_prefix}
        return {app: prefix for app, prefix in every.items() if app in self.apps}


def snippets_prefix():
    """``SNIPPETS_PREFIX``, or the deprecated ``SITE_PREFIX`` when only that one is set."""
    if SITE_PREFIX.is_set() and not SNIPPETS_PREFIX.is_set():
        log.warning("SITE_PREFIX is deprecated; set SNIPPETS_PREFIX (the paste site's prefix) instead.")
        return SITE_PREFIX.read()
    return SNIPPETS_PREFIX.read()
