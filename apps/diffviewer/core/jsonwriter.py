"""The JSON of a two-text diff written in one pass from libgit2's patch text (``diff_json``).

``Diff.to_json`` writes a line at a time from Lines (or ``align.hunk_fields``' tuples), and
on a big diff that Python loop -- an object per line from libgit2, a tuple, then a string --
cost more than libgit2's diff itself.  Here libgit2 prints the patch once (``Patch.data``:
a row per line, opening with its origin, " ", "-" or "+", "@" for a hunk header and "\\"
for "No newline at end of file"), and the work per line is done by C loops over whole
columns: the rows split, their texts JSON-escaped (``encode_basestring``, as ``model``
writes them), line numbers summed (``accumulate``) from each hunk's start, and the whole
answer formatted by one ``%`` of a template (made once per sequence of row kinds in a
hunk, ``_templates``) with three columns.  Only changed lines are visited one by one, for
their word marks (``words.mark_runs``, which writes their JSON) and moved code.

The answer is ``Diff.to_json()``'s, byte for byte (``tests/diffviewer/test_jsonwriter.py``
holds it to the line-by-line path).  ``patch_json`` gives None, and the caller writes the
answer line by line, when the patch text is not what this expects (a hunk header libgit2
cut inside a UTF-8 character, a line numbered after a missing newline) or the answer
would pass ``max_bytes`` (the line-by-line path then says where it stopped).
"""

import re
from bisect import bisect
from itertools import accumulate, chain, compress
from json import dumps
from json.encoder import encode_basestring as _json_string
from operator import itemgetter

from .align import encode, patch_of
from .model import _BOOL, _MOVED, Stats  # the very strings Diff.to_json writes: the bytes must match
from .moved import find_moved_in, may_move
from .options import DiffOptions
from .words import mark_runs

# libgit2 writes "diff --git", "index", "--- a/left" and "+++ b/right" before the hunks.
_GIT_HEADER_END = b"\n+++ b/right\n"


def _templates(word_diff: bool) -> dict[str, str]:
    """The JSON template of each row, by its letter (``_Rows.letters``), for diffs with or
    without word marks.

    Every row takes three values, from the columns old_no, new_no and text; "%.0s" takes one
    and writes nothing.  A changed line's text comes with its segments when there are word
    marks; the text of an upper-case letter's row (a line without a newline, or moved)
    comes with everything after it.  A hunk header opens its hunk (and closes the one
    before); its text holds all its fields.
    """
    templates = {
        "@": ']}, {"old_start": %.0s%.0s%s, "lines": [',
    }
    for origin, kind in (" ", "context"), ("-", "delete"), ("+", "add"):
        numbers = {" ": "%s, \"new_no\": %s", "-": "%s, \"new_no\": null%.0s", "+": "null%.0s, \"new_no\": %s"}[origin]
        line = f', {{"kind": "{kind}", "old_no": {numbers}, "text": %s'
        segments = ', "segments": null' if origin == " " or not word_diff else ""
        templates[origin] = f'{line}{segments}, "no_newline_at_end": false, "cr": false, "moved": null}}'
        templates[_CR[origin]] = f'{line}{segments}, "no_newline_at_end": false, "cr": true, "moved": null}}'
        templates[_SPECIAL[origin]] = f"{line}}}"
    return templates


_CR = {" ": "c", "-": "d", "+": "a"}  # a line ending in CR
_SPECIAL = {" ": "C", "-": "D", "+": "A"}  # a line without a newline, or a moved line
_ROWS = {word_diff: _templates(word_diff) for word_diff in (False, True)}
_OLD_STEPS = bytes.maketrans(b" -+@", b"\1\1\0\0")  # what each row adds to the line number
_NEW_STEPS = bytes.maketrans(b" -+@", b"\1\0\1\0")
_IS_DELETED = bytes.maketrans(b" -+@", b"\0\1\0\0")
_IS_ADDED = bytes.maketrans(b" -+@", b"\0\0\1\0")
_EOL = "\r\n"
_ORIGINS = frozenset(" -+@")
_ORIGIN = itemgetter(0)
_AFTER_ORIGIN = itemgetter(slice(1, None))
_HEADER = re.compile("@")
_NO_NEWLINE = re.compile(r"\\")
_CHANGED = re.compile(r"[-+]")


def patch_json(left: str, right: str, opts: DiffOptions, *, max_bytes: int | None = None,
               counted=None) -> str | None:
    """``diff_texts(left, right, opts).to_json()`` for two texts that differ and are not
    binary, or None (see the module's docstring).  ``counted`` is as in ``align.hunk_fields``."""
    left_bytes, right_bytes = encode(left), encode(right)
    patch = patch_of(left_bytes, right_bytes, left, right, opts)
    if counted is not None:
        counted(*patch.line_stats)
    hunks = [(hunk.old_start, hunk.old_lines, hunk.new_start, hunk.new_lines, hunk.header) for hunk in patch.hunks]
    data = patch.data if hunks else b""
    # The patch points into left_bytes/right_bytes: drop it before they can go.
    del patch
    if not hunks:
        return _json(Stats(added=0, deleted=0, hunks=0, identical=False)) + "]}"
    try:
        text = data[data.index(_GIT_HEADER_END) + len(_GIT_HEADER_END):].decode("utf-8", "surrogatepass")
    except (ValueError, UnicodeDecodeError):
        return None
    rows = text.split("\n")
    if rows.pop() != "":
        return None
    answer = _Rows(rows, hunks, "\r\n" in text).json(opts, max_bytes)
    if answer is None or max_bytes is not None and len(answer) > max_bytes:
        return None
    return answer


def _json(stats: Stats) -> str:
    """The answer up to its first hunk."""
    return f'{{"binary": false, "stats": {dumps(stats.to_dict())}, "hunks": ['


class _Rows:
    """The rows of a patch's hunks: ``origins`` (one character a row, the hunk headers' "@"
    included), ``texts`` (without origin, CR or newline), which end in CR (``cr``) and which
    have no newline (``no_newline``)."""

    def __init__(self, rows: list[str], hunks: list[tuple], carriage_returns: bool):
        self.hunks = hunks
        origins = "".join(map(_ORIGIN, rows))
        self.no_newline = set()
        if "\\" in origins:  # "\ No newline at end of file" follows a line without one
            for k, marker in enumerate(_NO_NEWLINE.finditer(origins)):
                del rows[marker.start() - k]
                self.no_newline.add(marker.start() - k - 1)
            origins = origins.replace("\\", "")
        self.origins = origins
        self.texts = texts = list(map(_AFTER_ORIGIN, rows))
        self.cr = []
        if carriage_returns:
            self.cr = [i for i, text in enumerate(texts) if text[-1:] == "\r" and origins[i] != "@"]
            for i in self.cr:
                texts[i] = texts[i][:-1]

    def json(self, opts: DiffOptions, max_bytes: int | None) -> str | None:
        """The answer, or None if this cannot write it or it would pass ``max_bytes``."""
        origins, texts, hunks = self.origins, self.texts, self.hunks
        headers = [m.start() for m in _HEADER.finditer(origins)]
        if len(headers) != len(hunks) or headers[0] != 0 or not _ORIGINS.issuperset(origins):
            return None
        if any(map(self.numbered_after, self.no_newline)):
            return None
        values = list(map(_json_string, texts))
        old_nos, new_nos = self.numbers(headers, values)
        if old_nos is None:
            return None  # libgit2's rows do not add up to its hunks' line counts
        if opts.word_diff:
            for at, segments in mark_runs(origins, texts, as_json=True):
                values[at] = f'{values[at]}, "segments": {segments}'
        moved = self.moved(headers, old_nos, new_nos) if opts.moved else {}
        letters = self.letters(values, moved, opts.word_diff)
        if max_bytes is not None and sum(map(len, values)) > max_bytes:
            return None  # not worth writing in full
        stats = Stats(added=origins.count("+"), deleted=origins.count("-"), hunks=len(hunks), identical=False)
        template = _template(letters, _ROWS[opts.word_diff], _json(stats).replace("%", "%%"))
        return template % tuple(chain.from_iterable(zip(old_nos, new_nos, values)))

    def numbers(self, headers: list[int], values: list[str]) -> tuple[list[int], list[int]]:
        """Each row's old and new line number (summed from each hunk's start), or (None, None)
        if the rows do not add up to the hunks' counts; each header's value is set to its
        hunk's fields."""
        origins = self.origins.encode()
        old_steps, new_steps = list(origins.translate(_OLD_STEPS)), list(origins.translate(_NEW_STEPS))
        old_at = new_at = 0  # the last line number on each side, so far
        for at, (old_start, old_count, new_start, new_count, header) in zip(headers, self.hunks):
            # The header row sets the sum to the number before the hunk's first line.
            old_steps[at], new_steps[at] = old_start - 1 - old_at, new_start - 1 - new_at
            old_at, new_at = old_start - 1 + old_count, new_start - 1 + new_count
            values[at] = (f'{old_start}, "old_count": {old_count}, "new_start": {new_start}, '
                          f'"new_count": {new_count}, "header": {_json_string(header.rstrip(_EOL))}')
        old_nos, new_nos = list(accumulate(old_steps)), list(accumulate(new_steps))
        if old_nos[-1] != old_at or new_nos[-1] != new_at:
            return None, None
        return old_nos, new_nos

    def numbered_after(self, row: int) -> bool:
        """Whether a later line of ``row``'s hunk (a line without a newline) is numbered on a
        side ``row`` is on.  libgit2 counts the "No newline" marker as two lines of the
        sides of the line before it, so such a line's number would be one more than its
        place; only whitespace options ever make one (see ``test_jsonwriter``)."""
        origins = self.origins
        end = origins.find("@", row + 1)
        after = origins[row + 1:] if end < 0 else origins[row + 1:end]
        sides = {" ": " -+", "-": " -", "+": " +"}[origins[row]]
        return any(origin in after for origin in sides)

    def letters(self, values: list[str], moved: dict[int, tuple], word_diff: bool) -> str:
        """Each row's letter in the templates: its origin, or for a line ending in CR its
        ``_CR`` letter; a line without a newline or moved has the rest of its fields put in
        its value, and its ``_SPECIAL`` letter."""
        origins, cr, no_newline = self.origins, self.cr, self.no_newline
        special = no_newline.union(moved)
        if not cr and not special:
            return origins
        letters = list(origins)
        for at in cr:
            letters[at] = _CR[origins[at]]
        for at in special:
            origin = origins[at]
            segments = "" if word_diff and origin != " " else ', "segments": null'
            found = moved.get(at)
            values[at] = (f'{values[at]}{segments}, "no_newline_at_end": {_BOOL[at in no_newline]}, '
                          f'"cr": {_BOOL[letters[at] != origin]}, "moved": {"null" if found is None else _MOVED % found}')
            letters[at] = _SPECIAL[origin]
        return "".join(letters)

    def moved(self, headers: list[int], old_nos: list[int], new_nos: list[int]) -> dict[int, tuple]:
        """``{row: (block, file, line)}`` of each moved line (``core.moved``)."""
        origins, texts = self.origins, self.texts
        letters = origins.encode()
        if not may_move(compress(texts, letters.translate(_IS_DELETED)), compress(texts, letters.translate(_IS_ADDED))):
            return {}
        changed = [m.start() for m in _CHANGED.finditer(origins)]
        cr = set(self.cr)
        by_hunk = {}
        for i in changed:
            h = bisect(headers, i) - 1
            add = origins[i] == "+"
            row = (i - headers[h] - 1, "add" if add else "delete", texts[i], new_nos[i] if add else old_nos[i], i in cr)
            by_hunk.setdefault(h, []).append(row)
        found = find_moved_in([(0, h, rows) for h, rows in by_hunk.items()])
        return {headers[h] + 1 + i: moved for (_, h, i), moved in found.items()}


def _template(letters: str, rows: dict[str, str], start: str) -> str:
    """The template of the whole answer: ``start``, then each hunk's, made once for each
    sequence of row letters (a big diff's hunks are mostly alike)."""
    hunk_letters = letters.split("@")[1:]
    made = {}
    for each in set(hunk_letters):
        made[each] = rows["@"] + "".join(map(rows.__getitem__, each))[2:]  # no ", " before its first line
    hunk_templates = list(map(made.__getitem__, hunk_letters))
    hunk_templates[0] = hunk_templates[0][4:]  # the first hunk closes none before it
    return "".join([start, *hunk_templates, "]}]}"])
