"""One pool of highlighter processes per server process, shared by every app that asks.

Apps are cheap to create (tests make dozens) but a pool holds child processes; the pools
themselves are kept by ``apps.killable.shared_pool``, one per settings, made on first use
(after gunicorn forks) and closed when the interpreter exits. Under gunicorn each worker
starts its pool before it takes a request (``start_from_environment``).
"""

import logging

from apps import killable
from apps.highlighter import core
from apps.highlighter.settings import DEFAULTS, check_settings, settings_from_env

log = logging.getLogger(__name__)


def shared_pool(workers: int, timeout: float) -> core.Highlighter:
    return core.Highlighter(workers=int(workers), timeout=float(timeout), shared=True)


def start_from_environment(environ=None) -> None:
    """Start this server process's pool for the settings the environment gives, now (gunicorn's
    ``post_worker_init``): its processes load the language model before the first request comes.
    If they cannot start, that is logged and the first requests start them, as they would anyway."""
    config = {**DEFAULTS, **settings_from_env(environ)}
    check_settings(config)
    try:
        shared_pool(config["HIGHLIGHT_WORKERS"], config["HIGHLIGHT_TIMEOUT"]).start()
    except core.HighlightError as error:
        log.warning("The highlighting processes did not start with this server process (%s); "
                    "the first requests will start them.", error.message)


def close_all() -> None:
    """End every shared pool's children (the diff viewer's too, when it shares the process)."""
    killable.close_all()
