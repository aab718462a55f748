"""Word marks as ``apps/diffviewer/core/words.py`` computed them before they were made fast
(commit 9384558): the reference the property test holds the fast version to.

Kept verbatim (only the import of the model changed) so that "the same output as before"
is checked against the old code itself, not against a description of it.  Nothing in the
application imports this module.
"""

import re
from collections import Counter
from difflib import SequenceMatcher
from itertools import groupby

from apps.diffviewer.core.model import Hunk, Line, Segment

#: Lines longer than this (in characters) are marked as wholly changed.
MAX_LINE_CHARS = 10_000
#: Characters of changed lines compared word by word per diff (about 0.2 s of work at worst).
BUDGET_CHARS = 500_000
#: Tokens x tokens of the pairs compared word by word per diff (about 0.5 s of work at worst:
#: two 10,000-character lines of 3,300 short words each cost 11 million and take a second).
BUDGET_TOKEN_CELLS = 5_000_000
#: Blocks with more deleted x added lines than this are paired in order (i-th with i-th).
MAX_PAIRING_CELLS = 1_600
#: Characters of token bags compared while pairing, per diff: each cell of a block's
#: similarity matrix costs both lines' lengths (about 0.5 s of work at worst).
PAIRING_BUDGET_CHARS = 2_000_000
#: Pairs sharing less than this (Dice coefficient of non-blank text) are not marked.
MIN_SIMILARITY = 0.3

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def mark_words(hunks: list[Hunk], budget: "Budget | None" = None) -> list[Hunk]:
    """``hunks`` with ``segments`` set on every added and deleted line, within ``budget``."""
    budget = budget or Budget()
    return [
        Hunk(hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count, hunk.header, _mark_hunk(hunk.lines, budget))
        for hunk in hunks
    ]


class Budget:
    """What one diff may still spend: characters compared word by word (``chars``) and
    characters compared while pairing lines (``pairing_chars``), tokens x tokens of the pairs
    compared (``token_cells``). ``refused`` counts the
    blocks paired in order because their similarity matrix cost more than was left."""

    def __init__(self, chars: int | None = None, pairing_chars: int | None = None, token_cells: int | None = None):
        self.chars = BUDGET_CHARS if chars is None else chars
        self.pairing_chars = PAIRING_BUDGET_CHARS if pairing_chars is None else pairing_chars
        self.token_cells = BUDGET_TOKEN_CELLS if token_cells is None else token_cells
        self.refused = 0

    def spend(self, chars: int) -> bool:
        if chars > self.chars:
            self.chars = 0
            return False
        self.chars -= chars
        return True

    def spend_token_cells(self, cells: int) -> bool:
        """Whether a pair of ``cells`` tokens x tokens is affordable (if not, nothing is spent)."""
        if cells > self.token_cells:
            return False
        self.token_cells -= cells
        return True

    def spend_pairing(self, chars: int) -> bool:
        if chars > self.pairing_chars:
            self.refused += 1
            return False
        self.pairing_chars -= chars
        return True


def _mark_hunk(lines: list[Line], budget: Budget) -> list[Line]:
    marked = []
    for is_context, run in groupby(lines, key=lambda line: line.kind == "context"):
        run = list(run)
        marked.extend(run if is_context else _mark_block(run, budget))
    return marked


def _mark_block(block: list[Line], budget: Budget) -> list[Line]:
    """Segments for one run of changed lines (deletions, then additions)."""
    deleted = [line.text for line in block if line.kind == "delete"]
    added = [line.text for line in block if line.kind == "add"]
    old_segments = [_whole("delete", text) for text in deleted]
    new_segments = [_whole("insert", text) for text in added]
    old_tokens, new_tokens = _Tokens(deleted), _Tokens(added)
    for i, j in _pair(deleted, added, old_tokens, new_tokens, budget):
        old, new = deleted[i], added[j]
        if len(old) > MAX_LINE_CHARS or len(new) > MAX_LINE_CHARS:
            continue  # wholly changed, at no cost
        if not budget.spend(len(old) + len(new)):
            break
        a, b = old_tokens[i], new_tokens[j]
        if budget.spend_token_cells(len(a) * len(b)):
            old_segments[i], new_segments[j] = _segments(old, new, a, b)
    old_iter, new_iter = iter(old_segments), iter(new_segments)
    # Line(kind, old_no, new_no, text, segments, no_newline_at_end, cr): positional is
    # twice as fast as dataclasses.replace, which shows on diffs of thousands of lines.
    return [
        Line(line.kind, line.old_no, line.new_no, line.text,
             next(old_iter if line.kind == "delete" else new_iter), line.no_newline_at_end, line.cr)
        for line in block
    ]


class _Tokens:
    """The tokens of each of ``texts``, split once and only when first asked for."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.cache: dict[int, list[str]] = {}

    def __getitem__(self, i: int) -> list[str]:
        tokens = self.cache.get(i)
        if tokens is None:
            tokens = self.cache[i] = _TOKEN.findall(self.texts[i])
        return tokens


def pair_lines(old: list[str], new: list[str], budget: Budget | None = None) -> list[tuple[int, int]]:
    """Index pairs (i, j) of similar lines, increasing in both i and j.

    Small blocks get the order-keeping pairing of greatest total similarity; big ones,
    and blocks whose similarity matrix ``budget`` cannot afford, pair the i-th deleted
    line with the i-th added line. Lines over ``MAX_LINE_CHARS`` are never paired by
    similarity.
    """
    return _pair(old, new, _Tokens(old), _Tokens(new), budget or Budget())


def pairing_cost(old: list[str], new: list[str]) -> int:
    """Characters compared to fill the similarity matrix of ``old`` x ``new``: each cell
    costs both lines' lengths (over-long lines take no part)."""
    old_sizes = [len(text) for text in old if len(text) <= MAX_LINE_CHARS]
    new_sizes = [len(text) for text in new if len(text) <= MAX_LINE_CHARS]
    return len(new_sizes) * sum(old_sizes) + len(old_sizes) * sum(new_sizes)


def _pair(old: list[str], new: list[str], old_tokens: _Tokens, new_tokens: _Tokens, budget: Budget) -> list[tuple[int, int]]:
    if not old or not new:
        return []
    if len(old) * len(new) > MAX_PAIRING_CELLS or not budget.spend_pairing(pairing_cost(old, new)):
        return list(zip(range(len(old)), range(len(new))))
    old_bags = [_bag_of(old, old_tokens, i) for i in range(len(old))]
    new_bags = [_bag_of(new, new_tokens, j) for j in range(len(new))]
    if len(old) == len(new) == 1:  # the common case; what the search below gives for it
        return [(0, 0)] if _dice(old_bags[0], new_bags[0]) >= MIN_SIMILARITY else []
    sim = [[_dice(a, b) for b in new_bags] for a in old_bags]
    # best[i][j]: greatest total similarity pairing old[:i] with new[:j].
    best = [[0.0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i in range(1, len(old) + 1):
        for j in range(1, len(new) + 1):
            score = max(best[i - 1][j], best[i][j - 1])
            s = sim[i - 1][j - 1]
            if s >= MIN_SIMILARITY:
                score = max(score, best[i - 1][j - 1] + s)
            best[i][j] = score
    pairs, i, j = [], len(old), len(new)
    while i and j:
        s = sim[i - 1][j - 1]
        if s >= MIN_SIMILARITY and best[i][j] == best[i - 1][j - 1] + s:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def line_segments(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """The segments of ``old`` ("equal"/"delete") and ``new`` ("equal"/"insert").

    Joining each side's segment texts gives the line back; no segment is empty.
    """
    if len(old) > MAX_LINE_CHARS or len(new) > MAX_LINE_CHARS:
        return _whole("delete", old), _whole("insert", new)
    return _segments(old, new, _TOKEN.findall(old), _TOKEN.findall(new))


def _segments(old: str, new: str, a: list[str], b: list[str]) -> tuple[list[Segment], list[Segment]]:
    """``line_segments`` of two lines within ``MAX_LINE_CHARS``, already split into tokens."""
    # autojunk only affects lines of 200+ tokens, where it keeps difflib fast.
    opcodes = SequenceMatcher(None, a, b).get_opcodes()
    kept = sum(len(t) for tag, i1, i2, _, _ in opcodes if tag == "equal" for t in a[i1:i2] if not t.isspace())
    solid = _solid_length(old) + _solid_length(new)
    if solid and 2 * kept / solid < MIN_SIMILARITY:
        return _whole("delete", old), _whole("insert", new)
    old_segments, new_segments = [], []
    for tag, i1, i2, j1, j2 in _absorb_blank_gaps(opcodes, a):
        if tag == "equal":
            _append(old_segments, "equal", "".join(a[i1:i2]))
            _append(new_segments, "equal", "".join(b[j1:j2]))
        else:
            _append(old_segments, "delete", "".join(a[i1:i2]))
            _append(new_segments, "insert", "".join(b[j1:j2]))
    return old_segments, new_segments


def _absorb_blank_gaps(opcodes, a):
    """Treat whitespace kept between two changes as changed, so "a b" -> "c d" is one change."""
    result = list(opcodes)
    for k in range(1, len(result) - 1):
        tag, i1, i2, j1, j2 = result[k]
        if tag == "equal" and all(t.isspace() for t in a[i1:i2]):
            if result[k - 1][0] != "equal" and result[k + 1][0] != "equal":
                result[k] = ("replace", i1, i2, j1, j2)
    return result


def _append(segments: list[Segment], kind: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == kind:
        segments[-1] = (kind, segments[-1][1] + text)
    else:
        segments.append((kind, text))


def _whole(kind: str, text: str) -> list[Segment]:
    return [(kind, text)] if text else []


def _bag_of(texts: list[str], tokens: _Tokens, i: int) -> Counter | None:
    """The token bag of ``texts[i]``, or None for an over-long line (never paired)."""
    return None if len(texts[i]) > MAX_LINE_CHARS else _bag(tokens[i])


def _bag(tokens: list[str]) -> Counter:
    return Counter([t for t in tokens if not t.isspace()])


def _dice(a: Counter | None, b: Counter | None) -> float:
    """Share of non-blank characters the two token bags have in common (0 for an over-long line)."""
    if a is None or b is None:
        return 0.0
    total = _weight(a) + _weight(b)
    if not total:
        return 1.0
    return 2 * _weight(a & b) / total


def _weight(bag: Counter) -> int:
    return sum(len(token) * count for token, count in bag.items())


def _solid_length(text: str) -> int:
    return len("".join(text.split()))
