"""The program each pool child runs: import the job module, then read a job, run it, reply.

Started by ``pool.Pool`` as a fresh interpreter (never forked from the web process), through
``BOOT``. Jobs arrive on stdin; replies leave on a private copy of stdout,
and stdout itself is pointed at stderr so a stray print cannot corrupt the protocol. The
child exits when stdin closes (its parent is gone or closed the pool).

If the parent dies while a job runs, nobody would kill this process, so each job also arms a
real-time timer whose SIGALRM keeps its default action (terminate): the kernel ends a runaway
job even inside C code or the regex engine.

Replies: ``("ok", result, last)`` or ``("error", code, message, status, last)``. ``last`` says
this child exits after the reply: it ran out of memory, or its resident memory grew past the
retire limit (a big job's memory is rarely given back to the system).
"""

import importlib
import os
import signal

from . import wire
from .errors import Failure

REQUESTS = 0  # stdin

# Run by ``python -c``: put the project's root first on the path, then run this module's
# ``main``. Every package's ``__init__`` above a job module is framework-free, so importing
# the job imports no web app (tests/test_framework_free.py).
BOOT = """\
import sys
sys.path.insert(0, sys.argv[1])
__import__(sys.argv[2], fromlist=["main"]).main(sys.argv[3:])
"""


def main(argv) -> None:
    """``argv``: [job module, seconds a job may run before the child kills itself,
    address-space limit in MB (0: none), resident size in MB past which it retires (0: never),
    what the work is called in messages (a gerund: "highlighting")]."""
    module_name, hard_limit, memory_mb, retire_mb, label = argv[0], float(argv[1]), int(argv[2]), int(argv[3]), argv[4]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's ^C is the parent's to handle
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    replies = os.dup(1)
    os.dup2(2, 1)
    module = importlib.import_module(module_name)
    jobs = module.JOBS
    warm_up = getattr(module, "warm_up", None)
    if warm_up is not None:
        warm_up()  # imports and compiles what most jobs need before saying ready
    wire.send(replies, ("ready", os.getpid()))
    while True:
        try:
            name, payload = wire.receive(REQUESTS)
        except EOFError:
            return
        signal.setitimer(signal.ITIMER_REAL, hard_limit)
        reply, fatal = run(jobs, name, payload, label)
        signal.setitimer(signal.ITIMER_REAL, 0)
        last = fatal or (retire_mb and resident_mb() > retire_mb)
        wire.send(replies, (*reply, bool(last)))
        if last:
            return


def run(jobs, name, payload, label="running") -> tuple[tuple, bool]:
    """The reply to one job (without ``last``), and whether this process must not go on."""
    function = jobs.get(name)
    if function is None:
        return ("error", "internal_error", f"Unknown job {name!r}.", 500), False
    try:
        return ("ok", function(payload)), False
    except Failure as error:
        return ("error", error.code, error.message, error.status), False
    except MemoryError:
        return ("error", "too_large", f"{label.capitalize()} this input ran out of memory.", 413), True
    except Exception as error:  # a job's own errors say what they are: code, message, status
        code, message, status = (getattr(error, attr, None) for attr in ("code", "message", "status"))
        if isinstance(code, str) and isinstance(message, str) and isinstance(status, int):
            return ("error", code, message, status), False
        return ("error", "internal_error", f"{label.capitalize()} failed ({type(error).__name__}).", 500), False


def resident_mb() -> int:
    """This process's resident memory in MB (Linux ``/proc``; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
