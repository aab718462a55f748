"""``diff_texts``: two texts in, a ``Diff`` of plain data out.

This is the one place that decides what is binary, short-cuts identical texts
and assembles alignment (``align``) and word marks (``words``) into a ``Diff``.
"""

from .align import align
from .model import Diff, Stats
from .options import DiffOptions
from .words import mark_words


def is_binary(text: str) -> bool:
    """Whether ``text`` should be shown as binary: it contains a NUL, as git and GNU diff judge."""
    return "\0" in text


def diff_texts(left: str, right: str, opts: DiffOptions = DiffOptions()) -> Diff:
    """Compare ``left`` (old) with ``right`` (new) according to ``opts``."""
    identical = left == right
    if identical or is_binary(left) or is_binary(right):
        return Diff(
            hunks=[],
            stats=Stats(added=0, deleted=0, hunks=0, identical=identical),
            binary=is_binary(left) or is_binary(right),
        )
    hunks = align(left, right, opts)
    if opts.word_diff:
        hunks = mark_words(hunks)
    added = deleted = 0
    for hunk in hunks:
        for line in hunk.lines:
            if line.kind == "add":
                added += 1
            elif line.kind == "delete":
                deleted += 1
    return Diff(
        hunks=hunks,
        stats=Stats(added=added, deleted=deleted, hunks=len(hunks), identical=False),
    )
