"""One pool of highlighter processes per server process, shared by every app that asks.

Apps are cheap to create (tests make dozens) but a pool holds child processes, so pools
are kept here, one per (workers, timeout), made on first use (after gunicorn forks) and
closed when the interpreter exits. The core pool forgets a parent's children after a fork.
"""

import atexit
import threading

from apps.highlighter import core

_lock = threading.Lock()
_pools = {}  # (workers, timeout) -> core.Highlighter


def shared_pool(workers: int, timeout: float) -> core.Highlighter:
    key = (int(workers), float(timeout))
    pool = _pools.get(key)
    if pool is None:
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = core.Highlighter(workers=key[0], timeout=key[1])
    return pool


@atexit.register
def close_all() -> None:
    """End every pool's children (also registered to run at interpreter exit)."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()
