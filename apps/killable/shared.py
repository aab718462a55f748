"""One pool per server process and purpose, shared by every app object that asks.

Apps are cheap to create (tests make dozens) but a pool holds child processes, so pools are
kept here, one per (module, settings), made on first use (after gunicorn forks) and closed
when the interpreter exits. A pool forgets a parent's children after a fork.
"""

import atexit
import threading

from .pool import Pool

_lock = threading.Lock()
_pools = {}  # (module, sorted settings) -> Pool


def shared_pool(module: str, **settings) -> Pool:
    """The process's pool running ``module``'s jobs with these ``Pool`` settings."""
    key = (module, tuple(sorted(settings.items())))
    pool = _pools.get(key)
    if pool is None:
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = Pool(module, **settings)
    return pool


@atexit.register
def close_all() -> None:
    """End every shared pool's children (also run at interpreter exit)."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()
