"""Moved code: removed lines that come back elsewhere as added lines, found by git's rule.

This is ``git diff --color-moved`` in its default mode ("zebra", block detection) with
``--color-moved-ws=allow-indentation-change``, described in git's documentation and
checked against git itself by the tests:

- The changed lines of every file of the diff are read in order; a context line, a hunk
  boundary and a file boundary end a run.  A removed line *matches* an added line (and the
  other way round) when both are equal after their indentation (leading spaces and tabs);
  all blank lines match each other; a line ending in CR matches only another (a missing
  final newline does not count).
- A block grows greedily: a run of removed lines (or of added lines) is a block while some
  run of lines of the other kind, anywhere in the diff (other files included), matches it
  line for line, each line shifted by the same indentation width (tabs to columns of 8;
  blank lines fit any shift).  When no such counterpart run continues with the next line,
  the block ends and a new one may start there.
- A block counts as moved only when its lines hold at least ``MIN_ALNUM`` ASCII letters and
  digits (git's ``COLOR_MOVED_MIN_ALNUM_COUNT``), so a lone ``}`` or blank line is never
  "moved".  When a block of several lines falls short, the search starts again at its
  second line.

Each moved line gets ``(block, file, line)``: its block's number (from 1, in the order of
the diff; adjacent blocks have consecutive numbers), and where its counterpart is: the index
of the file in the given list and the counterpart's line number on its side (``new_no`` of
the added line a removed line went to, ``old_no`` of the removed line an added line came
from).  The counterpart run is the first one, in the order of the diff, that matched the
whole block.

Git checks every candidate run at every line, which is quadratic on repetitive input
(40,000 identical lines moved are 800 million checks).  Here the work is counted in steps
(a line read, a candidate run created or checked) against a ``Budget`` proportional to the
diff (``STEPS_PER_LINE`` per changed line, at least ``MIN_STEPS``); once it is spent, each
block follows at most ``CHEAP_CANDIDATES`` candidate runs and a short block is not searched
again, so the rest costs a few steps per line.  Ordinary diffs never reach the limit.
"""

from collections.abc import Iterable

from .model import Hunk, Line

#: Letters and digits a block needs to count as moved (git's COLOR_MOVED_MIN_ALNUM_COUNT).
MIN_ALNUM = 20
#: Columns of a tab in an indentation, as git's default whitespace rule has it.
TAB_WIDTH = 8
#: Steps a diff may spend per changed line before detection turns cheap, and at least.
STEPS_PER_LINE = 6
MIN_STEPS = 20_000
#: Candidate runs a block follows once the budget is spent.
CHEAP_CANDIDATES = 4

_DELETE, _ADD = 1, 2  # slot kinds; 0 is a break (context line, hunk or file boundary)
_KINDS = {"delete": _DELETE, "add": _ADD}
_NON_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())
_SPACE = " \t\n\v\f\r"  # C's isspace, which git uses to call a line blank


class Budget:
    """The steps one detection may still spend (``steps``, going below zero once the cheap
    mode runs) and ``spent``, the steps it took in all."""

    def __init__(self, steps: int):
        self.steps = steps
        self.spent = 0

    @classmethod
    def for_lines(cls, changed_lines: int) -> "Budget":
        return cls(max(MIN_STEPS, STEPS_PER_LINE * changed_lines))

    def spend(self, steps: int) -> None:
        self.steps -= steps
        self.spent += steps

    @property
    def exhausted(self) -> bool:
        return self.steps <= 0


def mark_moved(files: list[tuple[str, list[Hunk]]], budget: Budget | None = None) -> list[list[Hunk]]:
    """The hunks of each of ``files`` with ``Line.moved`` set on moved lines.

    ``files`` is a list of ``(path, hunks)``, in the order of the diff (one pair for a
    two-text diff; one per file of a patch, for moves across its files); the paths are
    not read, the file's index in the list is what ``Line.moved`` names.  A two-text diff
    (``compute.diff_texts``)::

        hunks = mark_moved([("", hunks)])[0]

    and a patch (``patch.Patch.mark_moved``, after word marks, which it keeps)::

        marked = mark_moved([(file.path, file.hunks) for file in patch.files])
        for file, hunks in zip(patch.files, marked):
            file.hunks = hunks

    ``to_json``/``to_dict`` of the lines then carry ``"moved"``. Hunks without a moved line
    are returned as they were; one ``budget`` (``Budget.for_lines``) covers all the files.
    """
    found = find_moved(files, budget)
    by_hunk = {}  # (file, hunk) -> {line index: moved}
    for (f, h, i), moved in found.items():
        by_hunk.setdefault((f, h), {})[i] = moved
    marked = []
    for f, (_, hunks) in enumerate(files):
        new_hunks = list(hunks)
        for h, hunk in enumerate(hunks):
            moves = by_hunk.get((f, h))
            if moves:
                lines = list(hunk.lines)
                for i, moved in moves.items():
                    line = lines[i]
                    lines[i] = Line(line.kind, line.old_no, line.new_no, line.text, line.segments,
                                    line.no_newline_at_end, line.cr, moved)
                new_hunks[h] = Hunk(hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count, hunk.header, lines)
        marked.append(new_hunks)
    return marked


def find_moved(files, budget: Budget | None = None) -> dict[tuple[int, int, int], tuple[int, int, int]]:
    """``{(file, hunk, line): (block, other file, other line number)}`` for each moved line.

    The first three are indexes into ``files`` (as for ``mark_moved``), its hunks and their
    lines.  Lines are ``Line``s or tuples of a Line's fields, as ``align.hunk_fields``
    makes them, so a diff written straight to JSON can be marked without making Lines.
    """
    return find_moved_in([(f, h, _changed(hunk.lines if isinstance(hunk, Hunk) else hunk[5]))
                          for f, (_, file_hunks) in enumerate(files) for h, hunk in enumerate(file_hunks)],
                         budget)


def find_moved_in(hunks: list[tuple[int, int, list[tuple]]], budget: Budget | None = None) -> dict:
    """``find_moved`` of the changed lines of each hunk, already picked out: ``hunks`` holds
    ``(file, hunk, rows)``, each row ``(line index, kind, text, own line number, cr)``."""
    slots = _Slots(hunks)
    if not slots.deleted or not slots.added:
        return {}
    budget = budget or Budget.for_lines(slots.changed)
    return slots.result(_Walk(slots, budget).blocks)


def may_move(deleted: Iterable[str], added: Iterable[str]) -> bool:
    """Whether some of ``deleted`` lines could match some of ``added`` (if not, nothing is
    moved): the test ``find_moved`` starts with, for a caller that has only the texts."""
    return not set(map(str.strip, deleted)).isdisjoint(map(str.strip, added))


class _Slots:
    """The changed lines of a diff in order, with a break (kind 0) ending each run, as
    parallel lists: ``kind``, ``ident`` (equal after indentation: equal ident), ``width``
    (of the indentation; None for a blank line) and ``info`` (file, hunk and line index,
    the line's own number, its text)."""

    def __init__(self, hunks):
        self.kind, self.ident, self.width, self.info = kind, ident, width, info = [], [], [], []
        self.deleted, self.added = {}, {}  # ident -> slots of that kind holding it, in order
        idents = {"": 0}  # key -> ident; 0 is every blank line
        index = {_DELETE: self.deleted, _ADD: self.added}
        self.changed = sum(len(rows) for _, _, rows in hunks)
        # A line whose text (stripped: equal after indentation means equal stripped) is on
        # one side only can match nothing: like a context line, it only ends runs, so a
        # stretch of them is one break, and most lines of a big diff cost no more than this.
        on_both = ({row[2].strip() for _, _, rows in hunks for row in rows if row[1] == "delete"}
                   & {row[2].strip() for _, _, rows in hunks for row in rows if row[1] == "add"})
        for f, h, rows in hunks if on_both else ():
            previous = None
            for i, k, text, number, cr in rows:
                if text.strip() not in on_both:
                    self.end_run()
                    previous = None
                    continue
                if previous is not None and i != previous + 1:
                    self.end_run()  # a context line between
                previous = i
                lead = text.lstrip("\f\v\r") if text[:1] in ("\f", "\v", "\r") else text
                rest = lead.lstrip(" \t")
                if not rest or (rest[0] in _SPACE and not rest.strip(_SPACE)):
                    key, indent = "", None
                else:
                    key = (rest, True) if cr else rest  # git compares a CR, not a missing newline
                    indent = len(lead) - len(rest)
                    if indent and "\t" in lead[:indent]:
                        indent = len(lead[:indent].expandtabs(TAB_WIDTH))
                n = idents.get(key)
                if n is None:
                    n = idents[key] = len(idents)
                k = _KINDS[k]
                index[k].setdefault(n, []).append(len(kind))
                kind.append(k)
                ident.append(n)
                width.append(indent)
                info.append((f, h, i, number, text))
            self.end_run()
        self.alnum = [-1] * len(kind)

    def end_run(self):
        """A break after the last slot, unless there is one."""
        if self.kind and self.kind[-1]:
            for column in (self.kind, self.ident, self.width, self.info):
                column.append(0 if column is self.kind else None)

    def alnum_count(self, start: int, stop: int) -> int:
        """ASCII letters and digits in slots ``start:stop``, counted up to ``MIN_ALNUM``."""
        total = 0
        for slot in range(start, stop):
            count = self.alnum[slot]
            if count < 0:
                text = self.info[slot][4]
                count = self.alnum[slot] = len(text.encode("ascii", "ignore").translate(None, _NON_ALNUM))
            total += count
            if total >= MIN_ALNUM:
                break
        return total

    def result(self, blocks):
        found = {}
        info = self.info
        for block, (start, length, other) in enumerate(blocks, 1):
            for k in range(length):
                f, h, i = info[start + k][:3]
                found[f, h, i] = (block, info[other + k][0], info[other + k][3])
        return found


def _changed(lines):
    """``(index, kind, text, own line number, cr)`` of each added or removed line of a hunk."""
    if lines and isinstance(lines[0], tuple):  # Line's fields: kind, old_no, new_no, text, segments, eof, cr
        return [(i, l[0], l[3], l[2] if l[0] == "add" else l[1], l[6]) for i, l in enumerate(lines) if l[0] != "context"]
    return [(i, l.kind, l.text, l.new_no if l.kind == "add" else l.old_no, l.cr)
            for i, l in enumerate(lines) if l.kind != "context"]


class _Walk:
    """One pass over the slots, git's greedy block rule; ``blocks`` holds each moved block as
    ``(first slot, length, first slot of its counterpart run)``, in order."""

    def __init__(self, slots: _Slots, budget: Budget):
        self.slots, self.budget = slots, budget
        self.blocks = []
        self.next_lines = {}  # (kind, ident) -> {next ident: slots of runs going on so}, when asked
        budget.spend(len(slots.kind))
        self.run()

    def run(self):
        slots, budget = self.slots, self.budget
        kind, ident = slots.kind, slots.ident
        start = None  # first slot of the open block
        candidates = None  # [(slot of a counterpart run's current line, indentation shift)]
        slot = 0
        while slot < len(kind):
            budget.spend(1)
            k = kind[slot]
            matches = (slots.added if k == _DELETE else slots.deleted).get(ident[slot]) if k else None
            if start is not None:
                if matches and k == kind[start]:
                    following = self.follow(start, slot, candidates)
                    if following:
                        candidates = following
                        slot += 1
                        continue
                closed, start = start, None
                if not self.close(closed, slot, candidates) and slot - closed > 1 and not budget.exhausted:
                    slot = closed + 1  # too short to count: look again from its second line
                    continue
            if matches:
                start, candidates = slot, None  # every run holding this line, until the next
            slot += 1
        if start is not None:
            self.close(start, len(kind), candidates)

    def follow(self, start: int, slot: int, candidates):
        """The counterpart runs of the block ``start:slot`` that go on with ``slot``'s line."""
        slots, budget = self.slots, self.budget
        kind, ident, width = slots.kind, slots.ident, slots.width
        other = _ADD if kind[slot] == _DELETE else _DELETE
        line, shift_of_line = ident[slot], width[slot]
        if candidates is None:  # the block's second line: the runs holding both lines
            runs = self.runs_of(other, ident[start], line)
            if budget.exhausted:
                runs = runs[:CHEAP_CANDIDATES]
            budget.spend(len(runs))
            first = width[start]
            candidates = [(run, None if first is None else first - width[run]) for run in runs]
        else:
            if budget.exhausted:
                candidates = candidates[:CHEAP_CANDIDATES]
            budget.spend(len(candidates))
        following = []
        for at, shift in candidates:
            at += 1
            if kind[at] != other or ident[at] != line:
                continue
            if shift_of_line is not None:
                here = shift_of_line - width[at]
                if shift is None:
                    shift = here
                elif here != shift:
                    continue
            following.append((at, shift))
        return following

    def runs_of(self, kind: int, first: int, second: int) -> list[int]:
        """The slots starting a run of ``kind`` whose first two lines are ``first``, ``second``.

        A line held in many places (a blank line, a lone brace) would cost a check of each
        place for every block it starts: its runs are sorted by their second line once.
        """
        slots = self.slots
        places = (slots.deleted if kind == _DELETE else slots.added)[first]
        kinds, ident = slots.kind, slots.ident
        if len(places) <= 8:
            self.budget.spend(len(places))
            return [at for at in places if kinds[at + 1] == kind and ident[at + 1] == second]
        by_next = self.next_lines.get((kind, first))
        if by_next is None:
            self.budget.spend(len(places))
            by_next = self.next_lines[kind, first] = {}
            for at in places:
                if kinds[at + 1] == kind:
                    by_next.setdefault(ident[at + 1], []).append(at)
        return by_next.get(second, [])

    def close(self, start: int, stop: int, candidates) -> bool:
        """Keep the block ``start:stop`` as moved if it has letters and digits enough."""
        slots = self.slots
        if slots.alnum_count(start, stop) < MIN_ALNUM:
            return False
        if candidates:
            other = candidates[0][0] - (stop - start - 1)
        else:
            other = (slots.added if slots.kind[start] == _DELETE else slots.deleted)[slots.ident[start]][0]
        self.blocks.append((start, stop - start, other))
        return True
