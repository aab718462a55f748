"""A pool of killable child processes that run named plain functions within a time budget.

How it works (the design GitHub's pygments.rb proved):

- ``workers`` children at most, started lazily (or by ``start()``), each a fresh interpreter
  (``subprocess``, i.e. fork+exec, safe from a threaded parent) that imports only the job
  module and what it needs, never the web apps (``child.BOOT``). They talk over pipes
  (``wire``): one pickled ``(function name, payload)`` in, one reply out.
- Callers take an idle child from a LIFO queue (warm children stay warm), so at most
  ``workers`` jobs run at once per process; other callers wait their turn.
- Budgets: waiting for a free child is bounded by ``queue_timeout`` (then ``busy``, 503),
  and so is the number of callers waiting at once (``max_waiting``; the next is told
  ``busy`` at once), so one kind of work can never hold every thread of a server;
  the job itself by ``timeout`` from the moment it is sent (then ``timeout``, 422; the child
  gets SIGKILL and is replaced). Queue time is not charged to the job, so an innocent request
  queued behind a hostile one is told "busy, retry", never "your input is too slow".
  Starting a child (only when none is warm) is bounded apart, by ``start_timeout``.
- Size: a reply longer than ``max_reply_bytes`` is refused unread (``too_large``, 413) and
  its child replaced, so the parent never holds an oversized answer. A child whose memory
  grew past ``retire_above_mb`` answers, then exits, and a fresh one replaces it.
- A child that dies mid-job (segfault, killed, out of memory) gives ``worker_crashed`` or
  ``too_large`` and is replaced; one that died while idle is replaced and the job sent again.
  Replacements are started at once, so they are warm by the next call.
- Fork safety: a pool inherited through ``os.fork`` (gunicorn's master forking workers)
  forgets the parent's children and starts its own on first use.
- Children end when the pool is closed or garbage-collected, when the interpreter exits, or,
  if the parent is killed, when their stdin closes; a job left running by a dead parent is
  ended by the child's own alarm (``child``).

Limits: POSIX only (poll, SIGKILL, setitimer). A job's memory is unbounded unless
``memory_limit_mb`` caps each child's address space.
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
from .child import BOOT
from .errors import Failure

_CHILD = __package__ + ".child"
_ROOT = str(Path(__file__).resolve().parents[__package__.count(".") + 1])


class _StartFailed(Exception):
    pass


class _Worker:
    """One child process and the two pipes to it; used by one thread at a time."""

    def __init__(self, command):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.pid = self.process.pid
        self.requests = self.process.stdin.fileno()
        self.replies = self.process.stdout.fileno()
        self.ready = False

    def wait_ready(self, timeout):
        if self.ready:
            return
        try:
            hello = wire.receive(self.replies, time.monotonic() + timeout, max_bytes=1024)
        except (TimeoutError, EOFError, OSError, wire.FrameTooLarge) as error:
            raise _StartFailed(type(error).__name__) from None
        if hello != ("ready", self.pid):
            raise _StartFailed(repr(hello)[:80])
        self.ready = True

    def call(self, job, timeout, max_bytes):
        """Send a job and wait for its reply: TimeoutError, EOFError (died mid-job),
        BrokenPipeError (was already dead) or wire.FrameTooLarge otherwise."""
        wire.send(self.requests, job)
        return wire.receive(self.replies, time.monotonic() + timeout, max_bytes)

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


class Pool:
    """Run ``module.JOBS[name](payload)`` in killable child processes, each call bounded in time.

    ``Pool("apps.highlighter.core.worker", workers=2, timeout=2.0, label="highlighting")``;
    ``call(name, payload)`` returns the function's result or raises ``Failure`` (``timeout``,
    ``busy``, ``worker_crashed``, ``too_large``, or the job's own error). ``label`` (a gerund)
    and ``timeout_hint`` word the messages. Thread-safe; one per process and purpose.
    """

    def __init__(self, module: str, workers: int = 2, timeout: float = 2.0, *,
                 queue_timeout: float = 10.0, start_timeout: float = 10.0, max_waiting: int | None = None,
                 memory_limit_mb: int | None = None, retire_above_mb: int | None = None,
                 max_reply_bytes: int | None = None, label: str = "running",
                 timeout_hint: str = "Try a smaller input.", python: str | None = None):
        if not (isinstance(workers, int) and workers >= 1):
            raise ValueError("workers must be a positive integer")
        for name, value in (("timeout", timeout), ("queue_timeout", queue_timeout),
                            ("start_timeout", start_timeout)):
            if not value > 0:
                raise ValueError(f"{name} must be positive")
        python = python or sys.executable
        if not python:
            raise ValueError("no Python executable to run workers with; pass python=")
        self.module = module
        self.workers = workers
        self.timeout = timeout
        self.queue_timeout = queue_timeout
        self.start_timeout = start_timeout
        self.max_waiting = max_waiting  # callers that may wait for a child at once (None: any)
        self._waiting = 0
        self._waiting_lock = threading.Lock()
        self.max_reply_bytes = max_reply_bytes
        self.label = label
        self.timeout_hint = timeout_hint
        # A child whose parent vanished mid-job ends itself after twice the budget.
        self._command = [python, "-c", BOOT, _ROOT, _CHILD, module, str(2 * timeout + 1),
                         str(memory_limit_mb or 0), str(retire_above_mb or 0), label]
        self._closed = False
        self._adopt(_Children(workers))
        _pools.add(self)

    def _adopt(self, children):
        self._children = children
        # Children end with the pool: on close(), when it is garbage-collected, at exit.
        self._finalizer = weakref.finalize(self, children.close)

    # -- public

    def call(self, name: str, payload):
        """``JOBS[name](payload)`` in a child: its result, or Failure."""
        if self._closed:
            raise RuntimeError("this pool is closed")
        self._check_fork()
        slot = self._take()
        worker = None
        try:
            worker = self._ready(slot)
            try:
                reply = worker.call((name, payload), self.timeout, self.max_reply_bytes)
            except BrokenPipeError:  # it died while idle: the job never started
                self._drop(worker)
                worker = None
                worker = self._ready(None)
                reply = worker.call((name, payload), self.timeout, self.max_reply_bytes)
            if reply[-1]:  # it answered, then exits (out of memory, or grown too big)
                self._drop(worker)
                worker = self._spawn_quietly()
        except TimeoutError:
            self._drop(worker)
            worker = self._spawn_quietly()
            raise Failure(
                "timeout",
                f"{self.label.capitalize()} took longer than {self.timeout:g} s and was stopped. "
                f"{self.timeout_hint}",
            ) from None
        except wire.FrameTooLarge as error:
            self._drop(worker)
            worker = self._spawn_quietly()
            raise Failure(
                "too_large",
                f"The result of {self.label} is {error.size:,} bytes, more than the "
                f"{self.max_reply_bytes:,} allowed. {self.timeout_hint}",
            ) from None
        except (EOFError, OSError):
            status = worker.process.poll() if worker else None
            self._drop(worker)
            worker = self._spawn_quietly()
            raise Failure(
                "worker_crashed",
                f"The {self.label} process died while working (exit status {status}).",
            ) from None
        finally:
            self._give_back(worker)
        if reply[0] == "ok":
            return reply[1]
        _, code, message, status, _ = reply
        raise Failure(code, message, status)

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

    @property
    def closed(self) -> bool:
        return self._closed

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

    def _take(self):
        try:
            return self._children.idle.get_nowait()
        except queue.Empty:
            pass
        with self._waiting_lock:
            if self.max_waiting is not None and self._waiting >= self.max_waiting:
                raise Failure(
                    "busy",
                    f"All {self.workers} {self.label} processes are busy and {self._waiting} more "
                    f"{'request is' if self._waiting == 1 else 'requests are'} waiting. Try again shortly.",
                )
            self._waiting += 1
        try:
            return self._children.idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise Failure(
                "busy",
                f"All {self.workers} {self.label} processes stayed busy for "
                f"{self.queue_timeout:g} s. Try again shortly.",
            ) from None
        finally:
            with self._waiting_lock:
                self._waiting -= 1

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
            raise Failure("worker_crashed", f"A {self.label} process failed to start ({reason}).") from None
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
