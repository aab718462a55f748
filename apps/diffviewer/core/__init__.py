"""The diff viewer's core: compare two texts, get plain data or a unified diff.

A framework-free library (no web imports) that the web layer calls::

    from apps.diffviewer.core import DiffOptions, diff_texts, unified_diff

    result = diff_texts(left, right, DiffOptions(context=3, whitespace=None))
    result.hunks, result.stats, result.binary, result.to_dict()
    json_text = diff_json(left, right, options)  # result.to_json(), faster
    patch_text = unified_diff(left, right, DiffOptions(), "a/x.py", "b/x.py")

Modules: ``options`` (DiffOptions), ``model`` (the dataclasses), ``align``
(line alignment by libgit2), ``words`` (changed words within lines, within a budget;
``wordshapes``: the comparison of a pair worked out once per shape), ``moved`` (moved code),
``compute`` (diff_texts, diff_json), ``jsonwriter`` (diff_json's answer in one pass from
libgit2's patch text), ``unified`` (patch text), ``errors`` (OutputTooLarge) and
``jobs`` (the work as killable jobs, run by ``apps.killable`` child processes).
"""

from .compute import diff_json, diff_texts
from .model import Diff, Hunk, Line, Segment, Stats
from .options import WHITESPACE_MODES, DiffOptions
from .unified import unified_diff

__all__ = [
    "WHITESPACE_MODES",
    "Diff",
    "DiffOptions",
    "Hunk",
    "Line",
    "Segment",
    "Stats",
    "diff_json",
    "diff_texts",
    "unified_diff",
]
