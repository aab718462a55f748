"""From a checked ``DiffInput`` to what the diff page shows: the diff, its rows and colours.

Small diffs are computed over the whole file and long unchanged runs are collapsed into
hidden rows a click expands (no second request: the texts of a POST are gone after it).
When the whole file would not fit in ``DIFF_MAX_RENDER_LINES``, the diff is computed with
the asked context and the runs between hunks are only counted; only the lines the page
shows are ever made (the rest is in the patch).
"""

from dataclasses import dataclass

from apps.diffviewer import rows, tokens, work
from apps.diffviewer.core import Diff
from apps.diffviewer.core.jobs import line_count


@dataclass
class DiffPage:
    diff: Diff
    plan: rows.Plan
    rows: object  # an iterator of Markup chunks, consumed while the page streams
    highlighted: bool


def build(inp, settings, environ):
    """The page's diff, computed in a killable process (``work.page``), its plan and rows."""
    opts, cap = inp.options, settings.DIFF_MAX_RENDER_LINES
    computed = work.page(inp, settings)
    diff = computed["diff"]
    if computed["whole_file"]:
        plan = rows.plan_collapsed(diff, opts.context, cap)
    else:
        plan = rows.plan_hunks(diff, line_count(inp.left), cap, computed["total_lines"])
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
