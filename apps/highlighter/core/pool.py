"""Highlighting in killable worker processes, each call bounded in time.

Some Pygments lexers backtrack catastrophically on short inputs (``"`` and 40 backslashes
keep the Scala lexer busy for minutes), and a thread stuck in the regex engine cannot be
interrupted. So every highlight runs in a child process of a ``apps.killable.Pool``: on
timeout the child gets SIGKILL and a fresh one replaces it, and the caller gets
``timeout``. This module only words the highlighter's jobs and errors; the pool itself
(budgets, queueing, crashes, fork safety, memory caps) is the shared ``apps.killable``.
The children run ``worker`` (this package and Pygments, never the web app).
"""

from apps import killable

from .errors import HighlightError
from .request import HighlightRequest

_JOBS = __package__ + ".worker"


class Highlighter:
    """Highlight requests in killable worker processes, each call bounded in time.

    ``Highlighter(workers=2, timeout=2.0)``; ``highlight(request)`` and
    ``guess(filename, code)`` return what ``render.highlight`` and ``lexers.guess``
    return, or raise HighlightError (``timeout``, ``busy``, ``worker_crashed``,
    ``too_large`` and the request's own errors). Thread-safe; one per process is enough.
    Budgets: waiting for a free process ``queue_timeout`` (then ``busy``), the job
    ``timeout`` (then ``timeout``), starting a process ``start_timeout``.
    """

    def __init__(self, workers: int = 2, timeout: float = 2.0, *,
                 queue_timeout: float = 10.0, start_timeout: float = 10.0,
                 memory_limit_mb: int | None = None, python: str | None = None, shared: bool = False):
        """``shared``: use this server process's one pool for these settings (``killable.shared_pool``)."""
        settings = dict(
            workers=workers, timeout=timeout, queue_timeout=queue_timeout, start_timeout=start_timeout,
            memory_limit_mb=memory_limit_mb, python=python,
            label="highlighting", timeout_hint="Try a smaller input or another lexer.",
        )
        self._pool = killable.shared_pool(_JOBS, **settings) if shared else killable.Pool(_JOBS, **settings)
        self.workers, self.timeout, self.queue_timeout = workers, timeout, queue_timeout

    def highlight(self, request: HighlightRequest) -> dict:
        """Highlight a HighlightRequest in a worker; see ``render.highlight`` for the result."""
        if not isinstance(request, HighlightRequest):
            raise TypeError("highlight() takes a HighlightRequest (see from_fields)")
        return self._run("highlight", request)

    def highlight_batch(self, items: list, output_limit: int | None = None) -> list:
        """Highlight many requests in ONE job in one worker (``batch.highlight_all``): one time
        budget for them all; ``items`` as ``batch.checked_items`` gives them."""
        return self._run("highlight_batch", (list(items), output_limit))

    def guess(self, filename: str | None = None, code: str | None = None) -> dict:
        """``lexers.guess`` in a worker: content analysis can backtrack too, and the
        detector's model is loaded there."""
        return self._run("guess", {"filename": filename, "code": code})

    def start(self) -> None:
        """Start every child now and wait until each is ready (e.g. at app start-up)."""
        try:
            self._pool.start()
        except killable.Failure as failure:
            raise HighlightError(failure.code, failure.message, failure.status) from None

    def worker_pids(self) -> list[int]:
        """Process ids of this process's live children (for monitoring and tests)."""
        return self._pool.worker_pids()

    def close(self) -> None:
        """End every child; calls after this raise RuntimeError."""
        self._pool.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _run(self, name, payload):
        if self._pool.closed:
            raise RuntimeError("this Highlighter is closed")
        try:
            return self._pool.call(name, payload)
        except killable.Failure as failure:
            raise HighlightError(failure.code, failure.message, failure.status) from None
