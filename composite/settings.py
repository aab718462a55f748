"""The composition's own settings: where each app is mounted and how the site is fronted.

Everything comes from the environment with a development default (12-factor). The apps'
own settings live with each app (``config/settings.py`` for the Django site).
"""

from dataclasses import dataclass

from config import env


@dataclass(frozen=True)
class CompositeSettings:
    site_prefix: str = ""  # the Django paste site
    highlight_prefix: str = "/highlight"  # the Flask highlighter
    diff_prefix: str = "/diff"  # the Genshi diff viewer
    proxy_hops: int = 1  # how many proxies (a PaaS router) set X-Forwarded-* in front of us
    debug: bool = False

    @classmethod
    def from_env(cls):
        settings = cls(
            site_prefix=env.prefix("SITE_PREFIX", cls.site_prefix),
            highlight_prefix=env.prefix("HIGHLIGHT_PREFIX", cls.highlight_prefix),
            diff_prefix=env.prefix("DIFF_PREFIX", cls.diff_prefix),
            proxy_hops=env.integer("PROXY_HOPS", cls.proxy_hops, minimum=0, maximum=10),
            debug=env.boolean("DEBUG", cls.debug),
        )
        settings.check()
        return settings

    def check(self):
        prefixes = [self.site_prefix, self.highlight_prefix, self.diff_prefix]
        if not self.highlight_prefix or not self.diff_prefix:
            raise env.ConfigError("HIGHLIGHT_PREFIX and DIFF_PREFIX cannot be the site root.")
        if len(set(prefixes)) != len(prefixes):
            raise env.ConfigError(f"Mount prefixes must differ, got {prefixes}.")
