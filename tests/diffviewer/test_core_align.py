"""Line alignment by libgit2, and the buffer-lifetime trap it comes with.

``pygit2.Patch.create_from`` keeps pointers into the bytes it was given and reads
them when hunks are first walked; if those bytes were temporaries, the memory has
been reused by then and the diff is garbage (seen under gunicorn).  These tests
force that reuse between creating the patch and reading it.
"""

import gc
import os

import pygit2

from apps.diffviewer.core import DiffOptions, diff_texts, unified_diff
from apps.diffviewer.core import align as align_module


class ChurningPatch:
    """Stands in for ``pygit2.Patch``: before the real patch is read, free memory gets reused."""

    @staticmethod
    def create_from(old, new, **kwargs):
        return _ChurnBeforeReading(pygit2.Patch.create_from(old, new, **kwargs), (len(old), len(new)))


class _ChurnBeforeReading:
    def __init__(self, patch, sizes):
        self._patch, self._sizes = patch, sizes

    @property
    def hunks(self):
        # Temporaries die by reference counting; allocating their sizes reuses their memory.
        churn = [os.urandom(size) for size in self._sizes for _ in range(20)]
        hunks = self._patch.hunks
        del churn
        return hunks

    @property
    def line_stats(self):
        churn = [os.urandom(size) for size in self._sizes for _ in range(20)]
        stats = self._patch.line_stats
        del churn
        return stats

    @property
    def data(self):
        churn = [os.urandom(size) for size in self._sizes for _ in range(20)]
        data = self._patch.data
        del churn
        return data


def pair(i):
    """A pair whose one change is known, with filler that varies so buffers differ in size."""
    filler = "".join(f"    filler {i} {k}\n" for k in range(i % 50))
    return filler + f"    old value {i}\n" + filler, filler + f"    new value {i}\n" + filler


def test_input_buffers_outlive_the_patch_even_when_memory_is_reused(monkeypatch):
    """Fails (garbled or missing lines) if align passes temporaries to create_from."""
    monkeypatch.setattr(align_module, "Patch", ChurningPatch)
    for i in range(200):
        left, right = pair(i)
        changed = [
            (line.kind, line.text)
            for hunk in diff_texts(left, right, DiffOptions(word_diff=False)).hunks
            for line in hunk.lines
            if line.kind != "context"
        ]
        assert changed == [("delete", f"    old value {i}"), ("add", f"    new value {i}")]


def test_patch_text_outlives_nothing_it_reads_even_when_memory_is_reused(monkeypatch):
    """unified_diff's text straight from libgit2 has the same trap as align."""
    monkeypatch.setattr(align_module, "Patch", ChurningPatch)
    for i in range(200):
        left, right = pair(i)
        patch = unified_diff(left, right, DiffOptions(context=0))
        assert patch.endswith(f"-    old value {i}\n+    new value {i}\n")


def test_many_diffs_in_a_row_stay_correct():
    """The real pygit2, with garbage collection and allocation between the diffs."""
    results = []
    for i in range(200):
        left, right = pair(i)
        results.append(diff_texts(left, right, DiffOptions(context=None)))
        if i % 20 == 0:
            gc.collect()
        os.urandom(len(left))
    for i, diff in enumerate(results):
        left, right = pair(i)
        lines = [line for hunk in diff.hunks for line in hunk.lines]
        assert "".join(l.text + l.eol for l in lines if l.kind != "add") == left
        assert "".join(l.text + l.eol for l in lines if l.kind != "delete") == right


def test_libgit2_is_asked_for_text_diffs_with_the_chosen_options():
    """Binary sniffing is ours (NUL bytes), so libgit2 always diffs as text."""
    flags = align_module.flags(DiffOptions(whitespace="eol", ignore_blank_lines=True))
    option = pygit2.enums.DiffOption
    for flag in (option.FORCE_TEXT, option.INDENT_HEURISTIC, option.IGNORE_WHITESPACE_EOL, option.IGNORE_BLANK_LINES):
        assert flags & flag
    assert not flags & (option.PATIENCE | option.MINIMAL)


def test_control_characters_are_diffed_as_text():
    """libgit2 alone would call text with many control characters binary."""
    left, right = "\x01\x02\x03\x04\n" * 10, "\x01\x02\x03\x05\n" + "\x01\x02\x03\x04\n" * 9
    diff = diff_texts(left, right)
    assert not diff.binary and diff.stats.added == 1
