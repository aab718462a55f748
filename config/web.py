"""The Procfile's ``web:`` process: gunicorn, started once the environment it reads is good.

gunicorn reads ``WEB_CONCURRENCY`` itself, with a bare ``int()``, as it is imported: a
malformed value stopped it with a traceback before ``config/gunicorn.conf.py`` was read. This
reads every variable the server's configuration uses, typed (``config.env``), stops with one
line naming a bad one, and only then runs gunicorn with the same arguments::

    python -m config.web --config config/gunicorn.conf.py composite.wsgi:application
"""

import sys
from dataclasses import dataclass

from config import env


@dataclass(frozen=True)
class WebSettings:
    host: str = "0.0.0.0"
    port: int = 8000
    workers: int = 2
    threads: int = 4
    timeout: int = 25  # seconds; under the PaaS router's 30

    @classmethod
    def from_env(cls):
        return cls(
            host=env.string("HOST", cls.host),
            port=env.integer("PORT", cls.port, minimum=1, maximum=65535),
            workers=env.integer("WEB_CONCURRENCY", cls.workers, minimum=1, maximum=256),
            threads=env.integer("WEB_THREADS", cls.threads, minimum=1, maximum=1024),
            timeout=env.integer("WEB_TIMEOUT", cls.timeout, minimum=1, maximum=3600),
        )

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


def main():
    settings_or_exit()
    from gunicorn.app.wsgiapp import run

    sys.argv[0] = "gunicorn"
    run()


if __name__ == "__main__":
    main()
