"""The plain data a diff is made of: lines, hunks, stats and the diff itself.

Everything here is a frozen dataclass of strings, ints and bools so templates and
the JSON API can consume it without knowing how it was computed; ``to_dict``
gives the JSON shape.
"""

from dataclasses import dataclass
from json import dumps
from json.encoder import encode_basestring as _json_string

from .errors import OutputTooLarge

#: Segment kinds: an old line has "equal"/"delete" segments, a new line "equal"/"insert".
Segment = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a hunk.

    ``kind`` is "context", "add" or "delete".  ``text`` is the line without its
    line ending; ``cr`` says a carriage return was stripped from its end (CRLF
    files) and ``no_newline_at_end`` that the file ends on this line without a
    newline, so ``text + eol`` is the line byte for byte.  ``segments`` splits
    ``text`` of a changed line into what stayed and what changed, or is None
    (context lines, or word diff turned off).  ``moved`` is set on a changed line that
    was moved (``core.moved``): ``(block, file, line)``, its moved block's number and where
    its counterpart is, the index of its file in the diff (0 for two texts) and its line
    number (the ``new_no`` a removed line went to, the ``old_no`` an added line came from).
    """

    kind: str
    old_no: int | None
    new_no: int | None
    text: str
    segments: list[Segment] | None = None
    no_newline_at_end: bool = False
    cr: bool = False
    moved: tuple[int, int, int] | None = None

    @property
    def eol(self) -> str:
        """The line ending as it was in the file: "\\n", "\\r\\n", "\\r" or ""."""
        return ("\r" if self.cr else "") + ("" if self.no_newline_at_end else "\n")

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "old_no": self.old_no,
            "new_no": self.new_no,
            "text": self.text,
            "segments": None if self.segments is None else [list(s) for s in self.segments],
            "no_newline_at_end": self.no_newline_at_end,
            "cr": self.cr,
            "moved": _moved_dict(self.moved),
        }


@dataclass(frozen=True, slots=True)
class Hunk:
    """A run of changes with their context; starts are 1-based, as in ``@@ -s,c +s,c @@``."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    header: str
    lines: list[Line]

    def to_dict(self) -> dict:
        return {
            "old_start": self.old_start,
            "old_count": self.old_count,
            "new_start": self.new_start,
            "new_count": self.new_count,
            "header": self.header,
            "lines": [line.to_dict() for line in self.lines],
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts of a diff.

    ``identical`` means the two texts are equal byte for byte; a diff can have no
    hunks without being identical when the options ignore every difference.
    """

    added: int
    deleted: int
    hunks: int
    identical: bool

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "deleted": self.deleted,
            "hunks": self.hunks,
            "identical": self.identical,
        }


@dataclass(frozen=True, slots=True)
class Diff:
    """The comparison of two texts; ``binary`` diffs have no hunks ("binary files differ")."""

    hunks: list[Hunk]
    stats: Stats
    binary: bool = False

    def to_dict(self) -> dict:
        """A JSON-able plain dict (segments become two-item lists)."""
        return {
            "binary": self.binary,
            "stats": self.stats.to_dict(),
            "hunks": [hunk.to_dict() for hunk in self.hunks],
        }

    def to_plain(self) -> tuple:
        """The diff as nested tuples (``from_plain`` gives it back): three times cheaper to
        pickle than the dataclasses, for sending a diff between processes."""
        hunks = [
            (h.old_start, h.old_count, h.new_start, h.new_count, h.header,
             [(l.kind, l.old_no, l.new_no, l.text, l.segments, l.no_newline_at_end, l.cr, l.moved) for l in h.lines])
            for h in self.hunks
        ]
        stats = self.stats
        return self.binary, (stats.added, stats.deleted, stats.hunks, stats.identical), hunks

    @classmethod
    def from_plain(cls, plain: tuple) -> "Diff":
        binary, stats, hunks = plain
        return cls(
            hunks=[Hunk(*fields[:5], [Line(*line) for line in fields[5]]) for fields in hunks],
            stats=Stats(*stats),
            binary=binary,
        )

    def to_json(self, max_bytes: int | None = None) -> str:
        """Exactly ``json.dumps(self.to_dict(), ensure_ascii=False)``, four times as fast.

        A big diff has tens of thousands of lines; building a dict per line and encoding it
        took longer than computing the diff.  OutputTooLarge once it passes ``max_bytes``
        characters.
        """
        hunks = [(h.old_start, h.old_count, h.new_start, h.new_count, h.header, h.lines) for h in self.hunks]
        return fields_json(self.binary, self.stats, hunks, _lines_json, max_bytes)


def fields_json(binary: bool, stats: Stats, hunks: list[tuple], lines_json=None, max_bytes: int | None = None) -> str:
    """``Diff(hunks, stats, binary).to_json()`` from tuples of the fields of each Hunk and Line.

    For a caller that has the fields and only wants the JSON: making 12,000 frozen Lines
    costs more than writing them out.  (``Diff.to_json`` passes Lines and their ``lines_json``.)
    Past ``max_bytes`` characters, checked after each hunk, it stops with OutputTooLarge.
    """
    lines_json = lines_json or _tuples_json
    out = [f'{{"binary": {_BOOL[binary]}, "stats": {dumps(stats.to_dict())}, "hunks": [']
    append = out.append
    size = len(out[0])
    for h, (old_start, old_count, new_start, new_count, header, lines) in enumerate(hunks):
        append(
            f'{", " if h else ""}{{"old_start": {old_start}, "old_count": {old_count}, '
            f'"new_start": {new_start}, "new_count": {new_count}, '
            f'"header": {_json_string(header)}, "lines": ['
        )
        append(", ".join(lines_json(lines)))
        append("]}")
        if max_bytes is not None:
            size += len(out[-3]) + len(out[-2]) + 2
            if size > max_bytes:
                raise OutputTooLarge(size, max_bytes)
    append("]}")
    return "".join(out)


def smallest_line_json() -> int:
    """Characters of the shortest line the JSON can hold (an empty added line)."""
    return len(_line_json("add", None, 1, "", None, False, False))


_BOOL = {True: "true", False: "false"}


def _lines_json(lines: list[Line]) -> list[str]:
    return [_line_json(l.kind, l.old_no, l.new_no, l.text, l.segments, l.no_newline_at_end, l.cr, l.moved)
            for l in lines]


def _tuples_json(lines: list[tuple]) -> list[str]:
    return [_line_json(*fields) for fields in lines]


def _moved_dict(moved):
    return None if moved is None else {"block": moved[0], "file": moved[1], "line": moved[2]}


def _line_json(kind, old_no, new_no, text, segments, no_newline_at_end, cr, moved=None) -> str:
    if segments is None:
        segments = "null"
    else:
        segments = "[" + ", ".join([f'["{part}", {_json_string(chars)}]' for part, chars in segments]) + "]"
    return (
        f'{{"kind": "{kind}", "old_no": {"null" if old_no is None else old_no}, '
        f'"new_no": {"null" if new_no is None else new_no}, "text": {_json_string(text)}, '
        f'"segments": {segments}, "no_newline_at_end": {_BOOL[no_newline_at_end]}, "cr": {_BOOL[cr]}, '
        f'"moved": {"null" if moved is None else _MOVED % moved}}}'
    )


_MOVED = '{"block": %d, "file": %d, "line": %d}'
