"""``diff_texts``: two texts in, a ``Diff`` of plain data out (``diff_json``: its JSON).

This is the one place that decides what is binary, short-cuts identical texts
and assembles alignment (``align``), word marks (``words``) and moved code (``moved``) into
a ``Diff`` (or, for ``diff_json``, has ``jsonwriter`` write them).
``diff_json`` also keeps its answer under ``max_bytes``: refused as soon as libgit2's line
counts make it certain (before a single line is made), else stopped when the JSON crosses it.
"""

from .align import align, hunk_fields
from .errors import OutputTooLarge
from .jsonwriter import patch_json
from .model import Diff, Stats, fields_json, smallest_line_json
from .moved import find_moved, mark_moved
from .options import DiffOptions
from .words import mark_fields, mark_words


def is_binary(text: str) -> bool:
    """Whether ``text`` should be shown as binary: it contains a NUL, as git and GNU diff judge."""
    return "\0" in text


def diff_texts(left: str, right: str, opts: DiffOptions = DiffOptions(), *,
               max_lines: int | None = None, counted=None) -> Diff:
    """Compare ``left`` (old) with ``right`` (new) according to ``opts``.

    With ``max_lines``, only the first ``max_lines`` lines of the diff are made (and marked);
    its stats still count every line. ``counted`` is as in ``align.hunk_fields``.
    """
    identical = left == right
    if identical or is_binary(left) or is_binary(right):
        return Diff(
            hunks=[],
            stats=Stats(added=0, deleted=0, hunks=0, identical=identical),
            binary=is_binary(left) or is_binary(right),
        )
    counts = {}

    def count(context, added, deleted):
        counts.update(context=context, added=added, deleted=deleted)
        if counted is not None:
            counted(context, added, deleted)

    hunks = align(left, right, opts, max_lines=max_lines, counted=count)
    if opts.word_diff:
        hunks = mark_words(hunks)
    if opts.moved:
        hunks = mark_moved([("", hunks)])[0]
    return Diff(
        hunks=hunks,
        stats=Stats(added=counts["added"], deleted=counts["deleted"], hunks=len(hunks), identical=False),
    )


def diff_json(left: str, right: str, opts: DiffOptions = DiffOptions(), max_bytes: int | None = None) -> str:
    """Exactly ``diff_texts(left, right, opts).to_json()``, or OutputTooLarge past ``max_bytes``
    characters.

    The JSON is written in one pass from libgit2's patch text (``jsonwriter``), without a
    tuple or an object per line: three times as fast on a big diff as writing it from
    ``Line``s.  Where that declines, it is written from the aligned fields (word marks set
    on them by ``mark_fields``), which also says where an answer too large stopped.
    """
    counted = None if max_bytes is None else _refuse_certain_excess(max_bytes)
    if left == right or is_binary(left) or is_binary(right):
        return diff_texts(left, right, opts, counted=counted).to_json(max_bytes)
    answer = patch_json(left, right, opts, max_bytes=max_bytes, counted=counted)
    if answer is not None:
        return answer
    hunks = hunk_fields(left, right, opts, counted=counted)
    if opts.word_diff:
        hunks = mark_fields(hunks)
    if opts.moved:
        hunks = _with_moved(hunks)
    kinds = [line[0] for hunk in hunks for line in hunk[5]]
    stats = Stats(added=kinds.count("add"), deleted=kinds.count("delete"), hunks=len(hunks), identical=False)
    return fields_json(False, stats, hunks, max_bytes=max_bytes)


def _with_moved(hunks: list[tuple]) -> list[tuple]:
    """``hunk_fields``' hunks with each moved line's tuple given its ``moved`` field."""
    found = find_moved([("", hunks)])
    if not found:
        return hunks
    return [
        (*fields[:5], [line if (0, h, i) not in found else (*line[:7], found[0, h, i]) for i, line in enumerate(fields[5])])
        for h, fields in enumerate(hunks)
    ]


def _refuse_certain_excess(max_bytes):
    """A ``counted`` check: every line costs at least the smallest line's JSON."""

    def check(context, added, deleted):
        least = (context + added + deleted) * smallest_line_json()
        if least > max_bytes:
            raise OutputTooLarge(least, max_bytes, certain_before=True)

    return check
