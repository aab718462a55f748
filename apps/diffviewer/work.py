"""The diff viewer's heavy work, in killable processes: every diff is bounded in time and size.

Computing a diff, its word marks and its JSON or patch text is CPU work a visitor's input
can make slow, and a thread cannot be stopped. So it runs in an ``apps.killable`` pool of
``DIFF_WORKERS`` child processes per server process: a job that outruns ``DIFF_TIMEOUT``
is killed (``timeout``, 422), a caller that waits as long for a free process is told
``busy`` (503), an answer over ``DIFF_MAX_OUTPUT_BYTES`` is refused (``output_too_large``,
413) in the child, before it reaches this process. Failures become ``InputError``s, which
the app answers as JSON (API) or an error page.
"""

from apps import killable
from apps.diffviewer.core import Diff, jobs
from apps.diffviewer.core.patch import Patch
from apps.diffviewer.inputs import InputError

MEMORY_LIMIT_MB = 1536  # address space of each diff process: a runaway job fails, not the machine
RETIRE_ABOVE_MB = 256  # a process that grew past this after a big job is replaced by a fresh one
TIMEOUT_HINT = "Compare smaller texts, or turn word marks off."


def diff_json(inp, settings) -> bytes:
    """The diff of ``inp`` as JSON bytes (the core's ``Diff.to_dict()`` shape)."""
    return run(settings, "json", {**_texts(inp), "max_bytes": settings.DIFF_MAX_OUTPUT_BYTES})


def patch(inp, settings) -> bytes:
    """The unified diff of ``inp`` as bytes, named with ``inp.patch_names``."""
    return run(settings, "patch", {**_texts(inp), "names": inp.patch_names,
                                   "max_bytes": settings.DIFF_MAX_OUTPUT_BYTES})


def page(inp, settings) -> dict:
    """What the diff page shows (``diff``, ``whole_file``, ``total_lines``); see ``core.jobs.page_job``."""
    computed = run(settings, "page", {**_texts(inp), "max_lines": settings.DIFF_MAX_RENDER_LINES})
    return {**computed, "diff": Diff.from_plain(computed["diff"])}


def patch_files(text, settings) -> bytes:
    """A patch text read into JSON bytes (``core.patch``): files, hunks, commits, totals."""
    return run(settings, "patch_files", {"patch": text, "max_bytes": settings.DIFF_MAX_OUTPUT_BYTES})


def review(text, settings):
    """A patch text read for the review page: a ``core.patch.Patch`` of at most
    ``DIFF_MAX_RENDER_LINES`` kept lines, word marks made."""
    return Patch.from_plain(run(settings, "review", {"patch": text, "max_lines": settings.DIFF_MAX_RENDER_LINES}))


def review_outline(text, settings):
    """``(patch, sides)``: the patch read, its files without hunks, and each file's two sides to
    colour (``core.jobs.review_outline_job``): what a review page needs before its first byte.
    A malformed patch raises here."""
    plain = run(settings, "review_outline", {"patch": text, "max_lines": settings.DIFF_MAX_RENDER_LINES})
    return Patch.from_plain(plain), plain["sides"]


def run(settings, name, job):
    try:
        return pool(settings).call(name, job)
    except killable.Failure as failure:
        raise InputError(failure.code, failure.message, failure.status) from None


def pool(settings) -> killable.Pool:
    """This process's diff pool for these settings (made on first use, after a fork)."""
    # A page's reply holds both texts (and their word marks) for up to DIFF_MAX_RENDER_LINES lines.
    reply_limit = max(settings.DIFF_MAX_OUTPUT_BYTES, 8 * settings.DIFF_MAX_BYTES) + 1024 * 1024
    return killable.shared_pool(
        jobs.__name__,
        workers=settings.DIFF_WORKERS,
        timeout=settings.DIFF_TIMEOUT,
        queue_timeout=settings.DIFF_TIMEOUT,
        max_waiting=settings.DIFF_MAX_WAITING,  # diffs never hold every thread of the server
        memory_limit_mb=MEMORY_LIMIT_MB,
        retire_above_mb=RETIRE_ABOVE_MB,
        max_reply_bytes=reply_limit,
        label="comparing",
        timeout_hint=TIMEOUT_HINT,
    )


def _texts(inp):
    return {"left": inp.left, "right": inp.right, "options": inp.options}
