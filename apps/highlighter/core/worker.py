"""The program each pool worker process runs: read a job, run it, send the reply.

Started by ``pool.Highlighter`` as a fresh interpreter (never forked from the web
process). Jobs arrive on stdin, replies leave on a private copy of stdout; stdout
itself is pointed at stderr so a stray print cannot corrupt the protocol. The worker
exits when stdin closes (its parent is gone or closed the pool).

If the parent dies while a job runs, nobody would kill this process, so each job
also arms a real-time timer whose SIGALRM keeps its default action (terminate):
the kernel ends a runaway job even while it is stuck inside the regex engine.
"""

import os
import signal

from . import wire
from .errors import HighlightError
from .lexers import guess
from .render import highlight
from .request import HighlightRequest

REQUESTS = 0  # stdin


def main(argv) -> None:
    """``argv``: [seconds a job may run before the worker kills itself, memory limit in MB (0: none)]."""
    hard_limit, memory_mb = float(argv[0]), int(argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's ^C is the parent's to handle
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    replies = os.dup(1)
    os.dup2(2, 1)
    _warm_up()
    wire.send(replies, ("ready", os.getpid()))
    while True:
        try:
            kind, payload = wire.receive(REQUESTS)
        except EOFError:
            return
        signal.setitimer(signal.ITIMER_REAL, hard_limit)
        reply = run(kind, payload)
        signal.setitimer(signal.ITIMER_REAL, 0)
        wire.send(replies, reply)
        if reply[0] == "fatal":
            return


def run(kind: str, payload) -> tuple:
    """The reply to one job: ``("ok", result)``, or ``("error" | "fatal", code, message,
    status)``; after "fatal" this process must not go on."""
    try:
        if kind == "highlight":
            return "ok", highlight(payload)
        if kind == "guess":
            return "ok", guess(**payload)
        return "error", "internal_error", f"Unknown job {kind!r}.", 500
    except HighlightError as error:
        return "error", error.code, error.message, error.status
    except MemoryError:
        return "fatal", "too_large", "Highlighting this input ran out of memory.", 413
    except Exception as error:  # a Pygments bug on odd input must not kill the service
        return ("error", "internal_error",
                f"Highlighting failed inside Pygments ({type(error).__name__}).", 500)


def _warm_up() -> None:
    """Import and compile what most jobs need before saying ready, not during a job."""
    for output_format in ("html", "tokens"):
        highlight(HighlightRequest.from_fields(
            {"code": "def f(x):\n    return x\n", "lexer": "python", "format": output_format}))
