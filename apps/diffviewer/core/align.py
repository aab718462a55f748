"""Line alignment: which lines of two texts match, computed by libgit2's xdiff.

Why libgit2 and not ``difflib``: ``SequenceMatcher`` matches the longest common
block first and, by default, ignores lines that occur in more than 1 % of a big
file, so its diffs are 3 % larger than GNU diff's on real code and up to 200x on
repetitive files, and it is far slower on big inputs.  libgit2 is the C diff
engine behind git, reached through ``pygit2.Patch.create_from``.

Why plain Myers (git's default) with git's indent heuristic: it is as close to
GNU ``diff -u`` as the alternatives on real code and it cannot be fooled.  On 276
real changed file pairs GNU diff gave 7,873 changed lines, libgit2 Myers 7,877,
patience 7,857 and difflib 8,111; ``bench/diff_minimality.py`` finds the same
shape on Django 5.1.4 -> 5.2.1 (211 pairs: GNU 5,919, Myers 5,923, patience
5,895, difflib 6,087).  But patience anchors on lines that are unique, so when
such a line moves across repetitive text it rewrites everything in between
(48x GNU diff on the bench's generated repetitive corpus, where Myers equals
it).  ``MINIMAL`` changes nothing measurable and drops xdiff's cost limit, which
keeps hostile inputs from going quadratic.  The indent heuristic only moves
where an ambiguous hunk is placed, as ``git diff`` does, never how many lines.

Trap: ``Patch.create_from`` does not copy its input buffers, and the patch reads
them lazily.  Passing temporaries (``create_from(a.encode(), b.encode())``)
produced garbage under load, so ``align`` holds the encoded bytes in locals until
every hunk and line has been copied into plain data, and no ``Patch`` escapes.

Binary detection is not libgit2's business here: callers decide what is binary
and every text is diffed with ``FORCE_TEXT``.
"""

from pygit2 import Patch
from pygit2.enums import DiffOption

from .model import Hunk, Line
from .options import DiffOptions

_WHITESPACE_FLAGS = {
    None: DiffOption.NORMAL,
    "all": DiffOption.IGNORE_WHITESPACE,
    "amount": DiffOption.IGNORE_WHITESPACE_CHANGE,
    "eol": DiffOption.IGNORE_WHITESPACE_EOL,
}

_KINDS = {" ": "context", "+": "add", "-": "delete"}

# "=", ">" and "<" are libgit2's "\ No newline at end of file" markers; a line's own
# content already says whether it ends with a newline, so they are skipped.
_EOF_MARKERS = frozenset("=><")


def encode(text: str) -> bytes:
    """UTF-8 that round-trips any ``str``, including lone surrogates."""
    return text.encode("utf-8", "surrogatepass")


def flags(opts: DiffOptions) -> DiffOption:
    """The libgit2 diff flags that implement ``opts``."""
    flag = DiffOption.FORCE_TEXT | DiffOption.INDENT_HEURISTIC | _WHITESPACE_FLAGS[opts.whitespace]
    if opts.ignore_blank_lines:
        flag |= DiffOption.IGNORE_BLANK_LINES
    return flag


def align(left: str, right: str, opts: DiffOptions, *, max_lines: int | None = None, counted=None) -> list[Hunk]:
    """The hunks turning ``left`` into ``right``, lines without word segments.

    See ``hunk_fields`` for ``max_lines`` and ``counted``.
    """
    return [Hunk(*fields) for fields in hunk_fields(left, right, opts, Line, max_lines=max_lines, counted=counted)]


def hunk_fields(left: str, right: str, opts: DiffOptions, line=lambda *fields: fields, *,
                max_lines: int | None = None, counted=None) -> list[tuple]:
    """``align`` as tuples of each Hunk's fields, whose lines are ``line(*fields of a Line)``.

    By default the lines are tuples too, for callers that only serialize a big diff: making
    12,000 frozen Lines takes 12 ms.  ``counted(context, added, deleted)``, if given, is told
    the diff's line counts as soon as libgit2 has them, before any line is made (it may raise
    to stop there).  With ``max_lines`` the lines after the first ``max_lines`` are not made:
    the hunk they fall in is cut short and later hunks are left out.
    """
    left_bytes = encode(left)
    right_bytes = encode(right)
    patch = patch_of(left_bytes, right_bytes, left, right, opts)
    if counted is not None:
        counted(*patch.line_stats)
    hunks, room = [], max_lines
    for hunk in patch.hunks:
        if room is not None and room <= 0:
            break
        diff_lines = hunk.lines if room is None else hunk.lines[: room + 2]  # + EOF markers
        lines = _lines(diff_lines, line)
        if room is not None:
            lines = lines[:room]
            room -= len(lines)
        hunks.append((hunk.old_start, hunk.old_lines, hunk.new_start, hunk.new_lines, hunk.header.rstrip("\r\n"), lines))
    # The patch points into left_bytes/right_bytes: drop it before they can go.
    del patch
    return hunks


def patch_hunks(left: str, right: str, opts: DiffOptions) -> str | None:
    """The hunks of the unified diff as libgit2 prints them ("" if none), or None.

    libgit2 writes each line as its origin and its bytes, line ending included, and a line
    without a final newline followed by "\\ No newline at end of file": what
    ``unified.render`` writes from ``align``'s Lines, without making 12,000 of them for a
    big diff.  Hunk headers are the exception: pygit2 decodes them with U+FFFD for bad
    UTF-8 (a lone surrogate in a function line, which the core accepts), and ``align``
    keeps that.  A header with U+FFFD gives None, and the caller renders from ``align``.
    """
    left_bytes = encode(left)
    right_bytes = encode(right)
    patch = patch_of(left_bytes, right_bytes, left, right, opts)
    hunks = patch.hunks
    replaced = any("\ufffd" in hunk.header for hunk in hunks)
    data = b"" if replaced or not hunks else patch.data
    # The patch points into left_bytes/right_bytes: drop it before they can go.
    del patch, hunks
    if replaced:
        return None
    # Git's header ("diff --git", "index", "--- a/left", "+++ b/right") comes first.
    start = data.find(_GIT_HEADER_END) + len(_GIT_HEADER_END)
    if not data.startswith(b"@@ ", start):
        return None if data else ""
    try:
        return data[start:].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None


_GIT_HEADER_END = b"\n+++ b/right\n"


def patch_of(left_bytes: bytes, right_bytes: bytes, left: str, right: str, opts: DiffOptions) -> Patch:
    """libgit2's patch of the two encoded texts; it reads them lazily, so keep them alive."""
    if opts.context is None:
        context = max(left.count("\n"), right.count("\n")) + 1
    else:
        context = opts.context
    return Patch.create_from(
        left_bytes,
        right_bytes,
        old_as_path="left",
        new_as_path="right",
        flag=flags(opts),
        context_lines=min(context, 2**31 - 1),
        interhunk_lines=0,
    )


def _lines(diff_lines, line) -> list:
    """``line(*fields)`` of each of libgit2's lines; the hot loop of a big diff, so inlined."""
    lines = []
    append = lines.append
    for diff_line in diff_lines:
        origin = diff_line.origin
        if origin in _EOF_MARKERS:
            continue
        text = diff_line.raw_content.decode("utf-8", "surrogatepass")
        newline = text.endswith("\n")
        if newline:
            text = text[:-1]
        cr = text.endswith("\r")
        if cr:
            text = text[:-1]
        old_no, new_no = diff_line.old_lineno, diff_line.new_lineno
        # Line(kind, old_no, new_no, text, segments, no_newline_at_end, cr)
        append(line(_KINDS[origin], old_no if old_no > 0 else None, new_no if new_no > 0 else None,
                    text, None, not newline, cr))
    return lines
