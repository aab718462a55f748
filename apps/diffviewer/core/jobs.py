"""The diff core's work as killable jobs: what an ``apps.killable`` child runs for the web layer.

Every CPU-heavy step a visitor's input can make slow (the libgit2 diff, word marks, writing
the JSON or the patch) runs through these functions in a child process that is killed when
it outruns ``DIFF_TIMEOUT``. Each takes and returns plain data, and the answers are already
encoded and checked against the output limit here, so the web process never holds more
than the limit allows.
"""

from dataclasses import replace

from .compute import diff_json, diff_texts
from .errors import OutputTooLarge
from .model import smallest_line_json
from .options import DiffOptions
from .patch import TooManyLines, parse_patch, sides
from .unified import unified_diff


def json_job(job: dict) -> bytes:
    """The diff as JSON bytes: ``{"left", "right", "options", "max_bytes"}``."""
    text = diff_json(job["left"], job["right"], job["options"], job["max_bytes"])
    return _bounded(text, job["max_bytes"])


def patch_job(job: dict) -> bytes:
    """The unified diff as bytes: ``{"left", "right", "options", "names", "max_bytes"}``."""
    left_name, right_name = job["names"]
    text = unified_diff(job["left"], job["right"], job["options"], left_name, right_name, job["max_bytes"])
    return _bounded(text, job["max_bytes"])


def page_job(job: dict) -> dict:
    """What a diff page shows: ``{"left", "right", "options", "max_lines"}`` in,
    ``{"diff", "whole_file", "total_lines"}`` out, the diff as ``Diff.to_plain()``.

    When both texts together fit in ``max_lines`` the whole file is diffed (the page folds
    unchanged runs); otherwise the diff has the asked context and only its first
    ``max_lines`` lines are made and marked, while ``total_lines`` counts them all.
    """
    left, right, opts, cap = job["left"], job["right"], job["options"], job["max_lines"]
    counts = []
    if opts.context is not None and line_count(left) + line_count(right) <= cap:
        diff = diff_texts(left, right, replace(opts, context=None))
        return {"diff": diff.to_plain(), "whole_file": True, "total_lines": _lines_in(diff)}
    diff = diff_texts(left, right, opts, max_lines=cap, counted=lambda *n: counts.append(sum(n)))
    return {"diff": diff.to_plain(), "whole_file": False, "total_lines": counts[0] if counts else _lines_in(diff)}


def patch_files_job(job: dict) -> bytes:
    """A patch read as JSON bytes (``core.patch``): ``{"patch", "max_bytes"}``, word marks and
    moved code on.

    Every line costs at least the smallest line's JSON, so a patch with more lines than
    ``max_bytes`` allows is refused before they are made.
    """
    least = smallest_line_json()
    max_lines = job["max_bytes"] // least
    try:
        patch = parse_patch(job["patch"], max_lines=max_lines, stop_at_max=True)
    except TooManyLines:
        raise OutputTooLarge((max_lines + 1) * least, job["max_bytes"], certain_before=True) from None
    patch.mark_words()
    patch.mark_moved()
    return _bounded(patch.to_json(job["max_bytes"]), job["max_bytes"])


def review_job(job: dict) -> dict:
    """What a review page shows: ``{"patch", "max_lines"}`` in, ``Patch.to_plain()`` out, with
    word marks and moved code; lines past ``max_lines`` are counted, not made."""
    patch = parse_patch(job["patch"], max_lines=job["max_lines"])
    patch.mark_words()
    patch.mark_moved()
    return patch.to_plain()


def review_outline_job(job: dict) -> dict:
    """What a review page says before its files' rows: the patch read (so a malformed one is
    refused before the page starts), its files without their hunks, commits and totals;
    ``{"patch", "max_lines"}`` in, ``Patch.to_plain()`` of hunk-less files out, with ``sides``:
    per file, its two sides' texts and line numbers (``patch.sides``; None for a binary or
    hunk-less file), so the page can ask for colours while the whole job still runs."""
    patch = parse_patch(job["patch"], max_lines=job["max_lines"])
    shown = [None if file.binary or not file.hunks else sides(file) for file in patch.files]
    for file in patch.files:
        file.hunks = []
    return {**patch.to_plain(), "sides": shown}


def line_count(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _lines_in(diff) -> int:
    return sum(len(hunk.lines) for hunk in diff.hunks)


def _bounded(text: str, max_bytes: int | None) -> bytes:
    data = text.encode("utf-8")  # inputs are checked to be valid Unicode
    if max_bytes is not None and len(data) > max_bytes:
        raise OutputTooLarge(len(data), max_bytes)
    return data


JOBS = {"json": json_job, "patch": patch_job, "page": page_job, "patch_files": patch_files_job, "review": review_job,
        "review_outline": review_outline_job}


def warm_up() -> None:
    """Load libgit2 and the word marker before saying ready, not during a visitor's job."""
    page_job({"left": "a b\nc\n", "right": "a c\nc\n", "options": DiffOptions(), "max_lines": 100})
