"""A pool of killable worker processes that highlight within a time budget.

Some Pygments lexers backtrack catastrophically on short inputs (``"`` and 40
backslashes keep the Scala lexer busy for minutes), and a thread stuck in the regex
engine cannot be interrupted; SIGALRM only reaches a process's main thread, which
is not where a threaded server runs requests. So every highlight runs in a child
process that can be killed, the design GitHub's pygments.rb proved: on timeout the
child gets SIGKILL and a fresh one replaces it, and the caller gets ``timeout``.

How it works:

- ``workers`` children at most, started lazily (or by ``start()``), each a fresh
  interpreter (``subprocess``, i.e. spawn: fork+exec, safe from a threaded parent)
  that imports only this package and Pygments, never the web app. They talk over
  pipes (see ``wire`` and ``worker``): one small pickled request in, one result out.
- Callers take an idle child from a LIFO queue (warm children stay warm), so at most
  ``workers`` highlights run at once per process; other callers wait their turn.
- Budgets: waiting for a free child is bounded by ``queue_timeout`` (then ``busy``,
  503); the job itself by ``timeout`` from the moment it is sent (then ``timeout``,
  422). Queue time is not charged to the job, so an innocent request queued behind a
  hostile one is told "busy, retry", never "your input is too slow". Starting a
  child (only when none is warm) is bounded apart, by ``start_timeout``. The worst
  case for one call is therefore ``queue_timeout + start_timeout + timeout``; in the
  steady state ``queue_timeout + timeout``.
- A child that dies mid-job (segfault, killed, out of memory) gives ``worker_crashed``
  or ``too_large`` and is replaced; one that died while idle is replaced and the job
  sent again. Replacements are started at once, so they are warm by the next call.
- Fork safety: a pool inherited through ``os.fork`` (gunicorn's master forking
  workers) forgets the parent's children and starts its own on first use.
- Children end when the pool is closed or garbage-collected, when the interpreter
  exits, or, if the parent is killed, when their stdin closes; a job left running by a dead parent
  is ended by the child's own alarm (``worker``).

Limits: POSIX only (poll, SIGKILL, setitimer). A job's memory is unbounded unless
``memory_limit_mb`` is set (it caps each child's address space). Children are not
recycled after N jobs; every imported lexer stays loaded in them.
"""

import os
import queue
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

from . import wire
from .errors import HighlightError
from .request import HighlightRequest

_PACKAGE = __package__
_ROOT = str(Path(__file__).resolve().parents[_PACKAGE.count(".") + 1])

# Run by each child: import this package without running its parents' __init__
# modules (they hold the web app), by registering them as bare packages.
_BOOT = """\
import os, sys, types
root, package = sys.argv[1], sys.argv[2]
parts = package.split(".")
for depth in range(1, len(parts)):
    module = types.ModuleType(".".join(parts[:depth]))
    module.__path__ = [os.path.join(root, *parts[:depth])]
    sys.modules[module.__name__] = module
__import__(package + ".worker", fromlist=["main"]).main(sys.argv[3:])
"""


class _StartFailed(Exception):
    pass


class _Worker:
    """One child process and the two pipes to it; used by one thread at a time."""

    def __init__(self, command):
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
        )
        self.pid = self.process.pid
        self.requests = self.process.stdin.fileno()
        self.replies = self.process.stdout.fileno()
        self.ready = False

    def wait_ready(self, timeout):
        if self.ready:
            return
        try:
            hello = wire.receive(self.replies, time.monotonic() + timeout)
        except (TimeoutError, EOFError, OSError) as error:
            raise _StartFailed(type(error).__name__) from None
        if hello != ("ready", self.pid):
            raise _StartFailed(repr(hello)[:80])
        self.ready = True

    def call(self, job, timeout):
        """Send a job and wait for its reply: TimeoutError, EOFError (died mid-job) or
        BrokenPipeError (was already dead) otherwise."""
        wire.send(self.requests, job)
        return wire.receive(self.replies, time.monotonic() + timeout)

    def kill(self):
        """SIGKILL and reap the child (safe from any thread), keeping the pipes open."""
        self.process.kill()
        self.process.wait()

    def discard(self, grace=0.0):
        """End the child (politely first if ``grace``) and close the pipes."""
        if grace:
            self.process.stdin.close()  # the child exits on EOF
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        self.forget()

    def forget(self):
        """Close our ends of the pipes without touching the process."""
        self.process.stdin.close()
        self.process.stdout.close()


class Highlighter:
    """Highlight requests in killable worker processes, each call bounded in time.

    ``Highlighter(workers=2, timeout=2.0)``; ``highlight(request)`` and
    ``guess(filename, code)`` return what ``render.highlight`` and ``lexers.guess``
    return, or raise HighlightError (``timeout``, ``busy``, ``worker_crashed`` and
    the request's own errors). Thread-safe; one per process is enough. See the module
    docstring for the budgets and what happens on failure.
    """

    def __init__(self, workers: int = 2, timeout: float = 2.0, *,
                 queue_timeout: float = 10.0, start_timeout: float = 10.0,
                 memory_limit_mb: int | None = None, python: str | None = None):
        if not (isinstance(workers, int) and workers >= 1):
            raise ValueError("workers must be a positive integer")
        for name, value in (("timeout", timeout), ("queue_timeout", queue_timeout),
                            ("start_timeout", start_timeout)):
            if not value > 0:
                raise ValueError(f"{name} must be positive")
        python = python or sys.executable
        if not python:
            raise ValueError("no Python executable to run workers with; pass python=")
        self.workers = workers
        self.timeout = timeout
        self.queue_timeout = queue_timeout
        self.start_timeout = start_timeout
        # A child whose parent vanished mid-job ends itself after twice the budget.
        self._command = [python, "-c", _BOOT, _ROOT, _PACKAGE,
                         str(2 * timeout + 1), str(memory_limit_mb or 0)]
        self._closed = False
        self._adopt(_Children(workers))
        _pools.add(self)

    def _adopt(self, children):
        self._children = children
        # Children end with the pool: on close(), when it is garbage-collected, at exit.
        self._finalizer = weakref.finalize(self, children.close)

    # -- public

    def highlight(self, request: HighlightRequest) -> dict:
        """Highlight a HighlightRequest in a worker; see ``render.highlight`` for the result."""
        if not isinstance(request, HighlightRequest):
            raise TypeError("highlight() takes a HighlightRequest (see from_fields)")
        return self._run(("highlight", request))

    def guess(self, filename: str | None = None, code: str | None = None) -> dict:
        """``lexers.guess`` in a worker: content analysis can backtrack too."""
        return self._run(("guess", {"filename": filename, "code": code}))

    def start(self) -> None:
        """Start every child now and wait until each is ready (e.g. at app start-up)."""
        taken = [self._take() for _ in range(self.workers)]
        try:
            for index, worker in enumerate(taken):
                taken[index] = None  # _ready replaces or drops it
                taken[index] = self._ready(worker)
        finally:
            for worker in taken:
                self._give_back(worker)

    def worker_pids(self) -> list[int]:
        """Process ids of this process's live children (for monitoring and tests)."""
        self._check_fork()
        return self._children.pids()

    def close(self) -> None:
        """End every child; calls after this raise RuntimeError."""
        self._check_fork()
        self._closed = True
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- one call

    def _run(self, job):
        if self._closed:
            raise RuntimeError("this Highlighter is closed")
        self._check_fork()
        slot = self._take()
        worker = None
        try:
            worker = self._ready(slot)
            try:
                reply = worker.call(job, self.timeout)
            except BrokenPipeError:  # it died while idle: the job never started
                self._drop(worker)
                worker = None
                worker = self._ready(None)
                reply = worker.call(job, self.timeout)
            if reply[0] == "fatal":  # it answered, then exits (e.g. after MemoryError)
                self._drop(worker)
                worker = self._spawn_quietly()
        except TimeoutError:
            self._drop(worker)
            worker = self._spawn_quietly()
            raise HighlightError(
                "timeout",
                f"Highlighting took longer than {self.timeout:g} s and was stopped. "
                "Try a smaller input or another lexer.",
            ) from None
        except (EOFError, OSError):
            status = worker.process.poll() if worker else None
            self._drop(worker)
            worker = self._spawn_quietly()
            raise HighlightError(
                "worker_crashed",
                f"The highlighting process died while working (exit status {status}).",
            ) from None
        finally:
            self._give_back(worker)
        if reply[0] == "ok":
            return reply[1]
        _, code, message, status = reply
        raise HighlightError(code, message, status)

    def _take(self):
        try:
            return self._children.idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise HighlightError(
                "busy",
                f"All {self.workers} highlighting processes stayed busy for "
                f"{self.queue_timeout:g} s. Try again shortly.",
            ) from None

    def _give_back(self, worker):
        if self._closed and worker is not None:
            self._drop(worker)
            worker = None
        self._children.idle.put(worker)

    def _ready(self, worker):
        """A started, ready child for this slot: ``worker`` itself or a new one."""
        if worker is None or worker.process.poll() is not None:
            if worker is not None:
                self._drop(worker)
            worker = self._spawn()
        try:
            worker.wait_ready(self.start_timeout)
        except _StartFailed as reason:
            self._drop(worker)
            raise HighlightError(
                "worker_crashed", f"A highlighting process failed to start ({reason})."
            ) from None
        return worker

    def _spawn(self):
        worker = _Worker(self._command)
        self._children.add(worker)
        return worker

    def _spawn_quietly(self):
        """A replacement child started now, or None (the next caller retries)."""
        try:
            return None if self._closed else self._spawn()
        except OSError:
            return None

    def _drop(self, worker):
        if worker is not None:
            self._children.drop(worker)

    # -- process lifetime

    def _check_fork(self):
        if self._children.pid != os.getpid():
            self._after_fork()

    def _after_fork(self):
        """In a forked child: the children belong to the parent; forget them."""
        self._finalizer.detach()
        self._children.forget()
        self._adopt(_Children(self.workers))


class _Children:
    """The children one pool started in one process, and the queue of idle ones."""

    def __init__(self, size):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.live = set()  # every child started and not yet dropped
        self.idle = queue.LifoQueue()  # None marks a slot with no child yet
        for _ in range(size):
            self.idle.put(None)

    def add(self, worker):
        with self.lock:
            self.live.add(worker)

    def drop(self, worker, grace=0.0):
        with self.lock:
            self.live.discard(worker)
        worker.discard(grace)

    def pids(self):
        with self.lock:
            return sorted(worker.pid for worker in self.live)

    def close(self):
        """End idle children politely; kill busy ones (their callers then drop them)."""
        if self.pid != os.getpid():
            return
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                self.drop(worker, grace=0.5)
        with self.lock:
            busy = list(self.live)
        for worker in busy:
            worker.kill()

    def forget(self):
        """In a forked process: close our copies of the pipes, leave the processes be.

        No lock: it may have been held by a thread that does not exist after the fork.
        """
        inherited = list(self.live)
        self.live.clear()
        for worker in inherited:
            worker.forget()
        _inherited.extend(inherited)  # kept so Popen.__del__ never warns or reaps them


_pools = weakref.WeakSet()
_inherited = []


def _forget_after_fork():
    for pool in list(_pools):
        pool._check_fork()


os.register_at_fork(after_in_child=_forget_after_fork)
