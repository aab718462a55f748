"""The Procfile's ``web:`` process: gunicorn, started once the environment it reads is good.

gunicorn reads ``WEB_CONCURRENCY`` itself, with a bare ``int()``, as it is imported: a
malformed value stopped it with a traceback before ``config/gunicorn.conf.py`` was read. This
reads every variable the server's configuration uses, typed (``apps.environment``), stops with
one line naming a bad one, and only then runs gunicorn with the same arguments::

    python -m config.web --config config/gunicorn.conf.py composite.wsgi:application
"""

import importlib
import sys
from dataclasses import dataclass

from apps import environment as env

HOST = env.Text("HOST", "0.0.0.0")
PORT = env.Integer("PORT", 8000, minimum=1, maximum=65535)
WEB_CONCURRENCY = env.Integer("WEB_CONCURRENCY", 2, minimum=1, maximum=256)
WEB_THREADS = env.Integer("WEB_THREADS", 4, minimum=1, maximum=1024)
WEB_TIMEOUT = env.Integer("WEB_TIMEOUT", 25, minimum=1, maximum=3600)  # seconds; under the PaaS router's 30
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def log_level(word):
    if word.lower() not in LOG_LEVELS:
        raise ValueError(word)


LOG_LEVEL = env.Checked("LOG_LEVEL", "info", check=log_level, expected=", ".join(LOG_LEVELS[:-1]) + " or critical")
FORWARDED_ALLOW_IPS = env.Text("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


@dataclass(frozen=True)
class WebSettings:
    host: str = HOST.default
    port: int = PORT.default
    workers: int = WEB_CONCURRENCY.default
    threads: int = WEB_THREADS.default
    timeout: int = WEB_TIMEOUT.default
    log_level: str = LOG_LEVEL.default
    forwarded_allow_ips: str = FORWARDED_ALLOW_IPS.default

    @classmethod
    def from_env(cls):
        return cls(HOST.read(), PORT.read(), WEB_CONCURRENCY.read(), WEB_THREADS.read(), WEB_TIMEOUT.read(),
                   LOG_LEVEL.read().lower(), FORWARDED_ALLOW_IPS.read())

    @property
    def bind(self):
        return f"{self.host}:{self.port}"


def settings_or_exit():
    """The server's settings (and the buffering worker's), or exit with the one line that
    names the bad variable."""
    from composite.worker import BufferSettings

    try:
        settings = WebSettings.from_env()
        BufferSettings.from_env(settings.timeout)
    except env.ConfigError as error:
        sys.exit(f"Error: {error}")
    return settings


def site_or_exit():
    """Every other setting of the site this process serves (the composite's, each mounted app's,
    the Django settings), or exit with the one line naming a bad one: before gunicorn starts,
    rather than as a traceback from each worker as it boots."""
    from django.core.exceptions import ImproperlyConfigured

    from apps import sitewide
    from apps.diffviewer.settings import load as diffviewer_settings
    from apps.highlighter.settings import settings_from_env as highlighter_settings
    from composite.settings import CompositeSettings

    try:
        mounted = CompositeSettings.from_env().apps
        sitewide.check_environment()
        if "highlighter" in mounted:
            highlighter_settings()
        if "diffviewer" in mounted:
            diffviewer_settings()
        if "snippets" in mounted:
            importlib.import_module("config.settings")
    except (env.ConfigError, ImproperlyConfigured) as error:
        sys.exit(f"Error: {error}")


def main():
    settings_or_exit()
    site_or_exit()
    from gunicorn.app.wsgiapp import run

    sys.argv[0] = "gunicorn"
    run()


if __name__ == "__main__":
    main()
