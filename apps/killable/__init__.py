"""Killable work: run a plain function in a child process that is killed when it overruns.

A thread stuck in C code or the regex engine cannot be interrupted, and gunicorn's threaded
worker never ends a slow request. So CPU-heavy work that a visitor's input can make slow runs
in a pool of child processes, each job within a time budget; a child that overruns gets
SIGKILL and is replaced, and the caller gets ``Failure("timeout", …, 422)``. The highlighter
(Pygments) and the diff viewer (libgit2 diffs, word marks) both use it.

    pool = Pool("apps.diffviewer.core.jobs", workers=2, timeout=5.0, label="comparing")
    result = pool.call("json", {"left": ..., "right": ...})   # or raises Failure
    pool = shared_pool("apps.diffviewer.core.jobs", workers=2, timeout=5.0)  # one per process

The job module names its functions in a ``JOBS`` dict and may define ``warm_up()``; only
plain, picklable data crosses. Framework-free: imports no web framework and no app.
"""

from .errors import Failure
from .pool import Pool
from .shared import close_all, shared_pool

__all__ = ["Failure", "Pool", "close_all", "shared_pool"]
