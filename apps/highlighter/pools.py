"""One pool of highlighter processes per server process, shared by every app that asks.

Apps are cheap to create (tests make dozens) but a pool holds child processes; the pools
themselves are kept by ``apps.killable.shared_pool``, one per settings, made on first use
(after gunicorn forks) and closed when the interpreter exits.
"""

from apps import killable
from apps.highlighter import core


def shared_pool(workers: int, timeout: float) -> core.Highlighter:
    return core.Highlighter(workers=int(workers), timeout=float(timeout), shared=True)


def close_all() -> None:
    """End every shared pool's children (the diff viewer's too, when it shares the process)."""
    killable.close_all()
