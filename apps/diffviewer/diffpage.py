"""From a checked ``DiffInput`` to what the diff page shows: the diff, its rows and colours.

Small diffs are computed over the whole file and long unchanged runs are collapsed into
hidden rows a click expands (no second request: the texts of a POST are gone after it).
When the whole file would not fit in ``DIFF_MAX_RENDER_LINES``, the diff is computed with
the asked context and the runs between hunks are only counted.
"""

from dataclasses import dataclass, replace

from apps.diffviewer import rows, tokens
from apps.diffviewer.core import Diff, diff_texts


@dataclass
class DiffPage:
    diff: Diff
    plan: rows.Plan
    rows: object  # an iterator of Markup chunks, consumed while the page streams
    highlighted: bool


def line_count(text):
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def build(inp, settings, environ):
    opts, cap = inp.options, settings.DIFF_MAX_RENDER_LINES
    old_lines = line_count(inp.left)
    if opts.context is not None and old_lines + line_count(inp.right) <= cap:
        diff = diff_texts(inp.left, inp.right, replace(opts, context=None))
        plan = rows.plan_collapsed(diff, opts.context, cap)
    else:
        diff = diff_texts(inp.left, inp.right, opts)
        plan = rows.plan_hunks(diff, old_lines, cap)
    old_tokens = new_tokens = None
    if diff.hunks and tokens.wanted(inp.lexer, inp.left_name, inp.right_name):
        old_tokens, new_tokens = tokens.fetch_both(
            inp.left, inp.right, inp.lexer, inp.left_name, inp.right_name, settings, environ
        )
    render = rows.split_rows if inp.view == "side-by-side" else rows.unified_rows
    return DiffPage(
        diff=diff,
        plan=plan,
        rows=render(plan, old_tokens, new_tokens),
        highlighted=old_tokens is not None or new_tokens is not None,
    )
