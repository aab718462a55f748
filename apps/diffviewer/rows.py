"""The rows of a diff table: which lines show, which collapse, and their HTML.

The part of a page that grows with the diff is built here rather than by Genshi: a template
loop over 12,000 rows costs more than our whole time budget (the issue measured 0.40 s for a
naive template), while the rows are a handful of fixed shapes. Every piece of user text goes
through ``escape``; the only markup is the constant row shapes below, so the result is HTML
this app built and may be wrapped in ``Markup``. The page around the rows is a template.

``plan`` decides what shows (blocks of lines and gaps, the render cap); ``unified_rows`` and
``split_rows`` turn a plan into chunks of ``<tr>`` markup, lazily, so the page streams.
A moved line (``Line.moved``) gets the class ``moved`` (``alt`` on every other block) and a
link to its counterpart's line anchor.
"""

from dataclasses import dataclass, field
from html import escape
from itertools import zip_longest

from genshi.core import Markup

CHUNK_ROWS = 256


@dataclass
class Gap:
    """Unchanged lines not shown: ``lines`` when they are in the page (hidden, expandable)."""

    count: int
    header: str
    lines: list | None = None
    ident: str = ""


@dataclass
class Plan:
    blocks: list = field(default_factory=list)  # Gap, or a list of core Lines shown
    shown: int = 0  # lines in the page, hidden ones included
    total: int = 0  # lines the diff has (for the "too large" message)
    hunks: int = 0  # runs of shown lines, as a unified diff with this context would have
    truncated: bool = False


def plan_collapsed(diff, context, cap):
    """A whole-file diff shown with ``context`` lines around changes; longer runs collapse."""
    lines = [line for hunk in diff.hunks for line in hunk.lines]
    changed = [i for i, line in enumerate(lines) if line.kind != "context"]
    keep = bytearray(len(lines))
    for i in changed:
        keep[max(0, i - context) : i + context + 1] = b"\1" * (min(len(lines), i + context + 1) - max(0, i - context))
    plan, run, hidden, gaps = Plan(total=len(lines)), [], [], 0
    for line, shown in zip(lines, keep):
        if shown:
            if hidden:
                gaps += 1
                plan.blocks.append(Gap(len(hidden), "", hidden, f"gap-{gaps}"))
                hidden = []
            run.append(line)
        else:
            if run:
                plan.blocks.append(run)
                run = []
            hidden.append(line)
    if run:
        plan.blocks.append(run)
    if hidden:
        plan.blocks.append(Gap(len(hidden), "", hidden, f"gap-{gaps + 1}"))
    _add_headers(plan.blocks)
    plan.hunks = sum(1 for block in plan.blocks if not isinstance(block, Gap))
    return _capped(plan, cap)


def plan_hunks(diff, old_line_count, cap, total_lines=None):
    """The hunks as computed; the unchanged lines between them are counted, not shown.

    ``total_lines`` is the diff's size when ``diff`` holds only its first lines (the rest
    was never made); the plan is then truncated.
    """
    plan, next_old = Plan(), 1
    for hunk in diff.hunks:
        start = hunk.old_start if hunk.old_count else hunk.old_start + 1
        plan.blocks.append(Gap(max(0, start - next_old), hunk.header))
        plan.blocks.append(hunk.lines)
        plan.total += len(hunk.lines)
        next_old = start + hunk.old_count
    plan.hunks = len(diff.hunks)
    if plan.blocks and old_line_count >= next_old:
        plan.blocks.append(Gap(old_line_count - next_old + 1, ""))
    plan = _capped(plan, cap)
    if total_lines is not None and total_lines > plan.total:
        plan.total, plan.truncated = total_lines, True
        plan.hunks = max(plan.hunks, diff.stats.hunks)
    return plan


def _add_headers(blocks):
    """Give each gap the ``@@ -a,b +c,d @@`` header of the lines shown after it."""
    for index, block in enumerate(blocks):
        if isinstance(block, Gap) and index + 1 < len(blocks):
            lines = blocks[index + 1]
            old = [line.old_no for line in lines if line.old_no is not None]
            new = [line.new_no for line in lines if line.new_no is not None]
            block.header = f"@@ -{old[0] if old else 0},{len(old)} +{new[0] if new else 0},{len(new)} @@"


def _capped(plan, cap):
    """Keep at most ``cap`` lines in the page; hidden gaps become counted gaps first."""
    if plan.total <= cap:
        plan.shown = plan.total
        return plan
    blocks, shown = [], 0
    for block in plan.blocks:
        if isinstance(block, Gap):
            blocks.append(Gap(block.count, block.header))
            continue
        if shown + len(block) > cap:
            blocks.append(block[: cap - shown])
            shown = cap
            plan.truncated = True
            break
        blocks.append(block)
        shown += len(block)
    plan.blocks, plan.shown = blocks, shown
    return plan


# ---- HTML ----------------------------------------------------------------------------------

def _num(side, number, anchor="", before=""):
    """A line number cell; its id and link are ``{anchor}{side}{number}`` (anchor: a page of many files).
    ``before``: markup put before the number (a moved line's link)."""
    if number is None:
        return '<td class="num"></td>'
    return f'<td class="num" id="{anchor}{side}{number}">{before}<a href="#{anchor}{side}{number}">{number}</a></td>'


def _moved_classes(line):
    """`` moved`` (`` moved alt`` on even blocks, so adjacent blocks differ) or ``""``."""
    if line.moved is None:
        return ""
    return " moved alt" if line.moved[0] % 2 == 0 else " moved"


def _moved_link(line, anchor, file_anchor, text):
    """A link to the counterpart of a moved line, reading ``text`` with its line number for ``{}``."""
    _, other_file, number = line.moved
    prefix = anchor if file_anchor is None else file_anchor(other_file)
    side, css, verb = ("R", "to", "Moved to") if line.kind == "delete" else ("L", "from", "Moved here from")
    where = "" if prefix == anchor else " in another file"
    return (f'<a class="moved-link {css}" href="#{prefix}{side}{number}" title="{verb} line {number}{where}">'
            f'{text.format(number)}</a>')


def _moved_cell(line, anchor, file_anchor):
    """The unified view's empty number cell of a moved line: "→ 12" (went to) or "7 →" (came from)."""
    text = "→\u2009{}" if line.kind == "delete" else "{}\u2009→"
    return f'<td class="num moved-to">{_moved_link(line, anchor, file_anchor, text)}</td>'


def code_html(line, tokens=None):
    """The inside of a code cell: escaped text, word marks as ins/del, token colours as spans."""
    segments = line.segments
    if tokens is not None:
        if not segments:  # no word marks: one span per coloured token, as they come
            html = _coloured(line.text, tokens)
        else:
            try:
                html = _merged(segments, tokens)
            except IndexError:  # tokens that do not cover the text: plain is always right
                html = None
        if html is not None:
            return html + (_EOF if line.no_newline_at_end else "")
    if not segments:
        html = escape(line.text, False)
    else:
        html = "".join(_WRAP[kind] % escape(text, False) for kind, text in segments)
    return html + (_EOF if line.no_newline_at_end else "")


_EOF = '<span class="eof" title="No newline at end of file"></span>'
_WRAP = {"equal": "%s", "insert": "<ins>%s</ins>", "delete": "<del>%s</del>"}


def _coloured(text, tokens):
    """``_merged`` of a line without word marks: None unless the tokens spell ``text``."""
    if "".join([piece for _, piece in tokens]) != text:
        return None
    return "".join([f'<span class="{css}">{escape(piece, False)}</span>' if css else escape(piece, False)
                    for css, piece in tokens])


def _merged(segments, tokens):
    if sum(len(text) for _, text in segments) != sum(len(text) for _, text in tokens):
        return None
    out, index, offset = [], 0, 0
    for kind, text in segments:
        parts, remaining = [], len(text)
        while remaining:
            css, token = tokens[index]
            piece = token[offset : offset + remaining]
            parts.append(f'<span class="{css}">{escape(piece, False)}</span>' if css else escape(piece, False))
            offset += len(piece)
            remaining -= len(piece)
            if offset == len(token):
                index, offset = index + 1, 0
        out.append(_WRAP[kind] % "".join(parts))
    return "".join(out)


def _line_tokens(line, old_tokens, new_tokens):
    if line.kind == "add":
        source, number = new_tokens, line.new_no
    else:
        source, number = old_tokens, line.old_no
    if source is None or number is None or number > len(source):
        return None
    return source[number - 1]


def unified_rows(plan, old_tokens=None, new_tokens=None, anchor="", file_anchor=None):
    """Chunks of ``<tbody>``/``<tr>`` markup for the unified view (three columns).

    ``file_anchor(index)`` is the anchor prefix of the diff's file at ``index``, for links
    from moved lines to another file of a page of many; without it, links stay in ``anchor``.
    """
    return _chunks(plan, 3, lambda lines: (_unified_row(line, old_tokens, new_tokens, anchor, file_anchor)
                                           for line in lines))


def _unified_row(line, old_tokens, new_tokens, anchor="", file_anchor=None):
    code = code_html(line, _line_tokens(line, old_tokens, new_tokens))
    if line.moved is None:
        return (f'<tr class="{line.kind}">{_num("L", line.old_no, anchor)}{_num("R", line.new_no, anchor)}'
                f'<td class="code">{code}</td></tr>')
    old = _num("L", line.old_no, anchor) if line.kind == "delete" else _moved_cell(line, anchor, file_anchor)
    new = _num("R", line.new_no, anchor) if line.kind == "add" else _moved_cell(line, anchor, file_anchor)
    return f'<tr class="{line.kind}{_moved_classes(line)}">{old}{new}<td class="code">{code}</td></tr>'


def split_rows(plan, old_tokens=None, new_tokens=None, anchor="", file_anchor=None):
    """Chunks of markup for the side-by-side view: old on the left, new on the right
    (``file_anchor`` as for ``unified_rows``)."""
    return _chunks(plan, 4, lambda lines: _split_pairs(lines, old_tokens, new_tokens, anchor, file_anchor))


def _split_pairs(lines, old_tokens, new_tokens, anchor="", file_anchor=None):
    deleted, added = [], []
    for line in lines:
        if line.kind == "delete":
            deleted.append(line)
        elif line.kind == "add":
            added.append(line)
        else:
            yield from _pair_rows(deleted, added, old_tokens, new_tokens, anchor, file_anchor)
            deleted, added = [], []
            code = code_html(line, _line_tokens(line, old_tokens, new_tokens))
            yield (f'<tr class="context">{_num("L", line.old_no, anchor)}<td class="code">{code}</td>'
                   f'{_num("R", line.new_no, anchor)}<td class="code">{code}</td></tr>')
    yield from _pair_rows(deleted, added, old_tokens, new_tokens, anchor, file_anchor)


def _pair_rows(deleted, added, old_tokens, new_tokens, anchor="", file_anchor=None):
    for old, new in zip_longest(deleted, added):
        cells = []
        for line, side in ((old, "L"), (new, "R")):
            if line is None:
                cells.append('<td class="num empty"></td><td class="code empty"></td>')
            else:
                code = code_html(line, _line_tokens(line, old_tokens, new_tokens))
                number = line.old_no if side == "L" else line.new_no
                if line.moved is None:
                    cells.append(f'{_num(side, number, anchor)}<td class="code {line.kind}">{code}</td>')
                else:  # the link to the counterpart before the line number, pointing to its side
                    link = _moved_link(line, anchor, file_anchor, "→" if side == "L" else "←")
                    cells.append(f'{_num(side, number, anchor, link)}'
                                 f'<td class="code {line.kind}{_moved_classes(line)}">{code}</td>')
        yield f'<tr class="change">{"".join(cells)}</tr>'


def _chunks(plan, columns, rows_of):
    buffer = []
    for block in plan.blocks:
        if isinstance(block, Gap):
            buffer.append(_gap_html(block, columns))
            if block.lines is not None:
                buffer.append(f'<tbody class="collapsed" id="{block.ident}" hidden="hidden">')
                buffer.extend(rows_of(block.lines))
                buffer.append("</tbody>")
            continue
        buffer.append("<tbody>")
        for row in rows_of(block):
            buffer.append(row)
            if len(buffer) >= CHUNK_ROWS:
                yield Markup("".join(buffer))
                buffer = []
        buffer.append("</tbody>")
    if buffer:
        yield Markup("".join(buffer))


def _gap_html(gap, columns):
    if not gap.count and not gap.header:
        return ""
    plural = "line" if gap.count == 1 else "lines"
    if gap.lines is not None:
        label = (f'<button type="button" class="expand" data-target="{gap.ident}" aria-expanded="false">'
                 f"Show {gap.count:,} unchanged {plural}</button>")
    elif gap.count:
        label = f'<span class="skipped">{gap.count:,} unchanged {plural}</span>'
    else:
        label = ""
    return (f'<tbody class="gap"><tr class="hunk"><td colspan="{columns}">{label}'
            f'<span class="header">{escape(gap.header, False)}</span></td></tr></tbody>')
