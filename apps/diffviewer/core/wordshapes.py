"""Pair shapes: what comparing two lines word by word gives, worked out once per *shape*.

``SequenceMatcher`` looks only at which tokens are equal, never at what they are, so two
pairs of lines with the same shape (``shape``: where the old line ends, each token numbered
by its first appearance in the pair, and which tokens are blank) get the same opcodes.  A
``Plan`` is that comparison in token positions -- each line's segments as token ranges, the
tokens that count as kept, shared and blank -- and applies to every pair of its shape.  A
shape that keeps coming back gets a regular expression (``Plan.make_template``) that splits
its next pairs into tokens in one match.

Why a module of its own: this is the mechanics of making word marks fast, and nothing else;
``words`` decides which lines are paired and compared, within what budget, and keeps one
``Plan`` per shape of a diff.  The output is the same as comparing every pair afresh
(``tests/diffviewer/test_words_property.py``).
"""

import re
from collections import Counter
from difflib import SequenceMatcher
from json.encoder import encode_basestring as _json_string
from operator import itemgetter

from .model import Segment

#: A line's tokens: words, runs of whitespace, single punctuation marks.
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
#: Stands between the two lines' tokens in one list: a NUL never is in a text compared
#: (``compute`` shows such texts as binary), and where it is, the lines are split apart.
SEPARATOR = "\0"
_WORD = re.compile(r"\w+")


def shape(tokens: list[str], split: int) -> tuple:
    """What ``Plan`` depends on: where the old line ends, which tokens are equal (each as the
    position where it first appears) and which are blank."""
    first = dict(zip(reversed(tokens), range(len(tokens) - 1, -1, -1)))
    return split, tuple(map(first.__getitem__, tokens)), tuple(map(str.isspace, first))


class Plan:
    """What comparing an old line's tokens with a new line's gives, in token positions, so it
    applies to every pair of the same ``shape``.

    Positions are in one list: the old line's tokens, ``SEPARATOR``, the new line's.  A plan holds the
    segments of each side (their kinds and the token slices they join), and which tokens to
    count for the characters kept, the characters both lines share (each token of the bag
    intersection, as often as it is in both) and the blank characters.
    """

    __slots__ = ("old_kinds", "old_slices", "new_kinds", "new_slices", "kept", "blank", "split", "shared",
                 "uses", "template", "firsts", "distinct", "ranges", "old_json", "new_json", "old_plain", "new_plain")

    def __init__(self, tokens: list[str], split: int):
        a, b = tokens[:split], tokens[split + 1:]
        opcodes = SequenceMatcher(None, a, b).get_opcodes()
        kept = [i for tag, i1, i2, _, _ in opcodes if tag == "equal" for i in range(i1, i2) if not a[i].isspace()]
        old, new = [], []
        for tag, i1, i2, j1, j2 in _absorb_blank_gaps(opcodes, a):
            _extend(old, "equal" if tag == "equal" else "delete", i1, i2)
            _extend(new, "equal" if tag == "equal" else "insert", split + 1 + j1, split + 1 + j2)
        self.ranges = old, new
        self.old_kinds, self.old_slices = _kinds_and_slices(old)
        self.new_kinds, self.new_slices = _kinds_and_slices(new)
        self.kept = _picker(kept)
        self.blank = _picker([i for i, token in enumerate(tokens) if token.isspace()])
        self.split = split
        self.shared = None  # made when first needed: only a lone pair's similarity needs it
        self.uses = 1
        self.template = None  # made when the shape has come back often (``make_template``)
        self.old_json = self.new_json = self.old_plain = self.new_plain = None  # see ``segments_json``

    def make_template(self, tokens: list[str]) -> None:
        """``template``: a regular expression that the old line, ``SEPARATOR`` and the new
        line, joined, match in full when they split into tokens of this shape, one group
        per token; ``firsts`` picks the first token of each distinct value, ``distinct``
        says how many there are.

        A token's group is the pattern of its kind (``TOKEN``'s three, which no token of
        the same kind can follow, so each group takes a whole token) or, for a token equal
        to an earlier one, a backreference to it.  Tokens the shape has apart must still
        be told apart: ``len(set(firsts(groups))) == distinct``.
        """
        first: dict[str, int] = {}
        parts = []
        for i, token in enumerate(tokens):
            if token in first:
                parts.append(f"((?P=t{first[token]}))")
                continue
            first[token] = i
            if i == self.split:
                kind = re.escape(SEPARATOR)
            elif token.isspace():
                kind = r"\s+"
            elif _WORD.fullmatch(token):
                kind = r"\w+"
            else:
                kind = r"[^\w\s]"
            parts.append(f"(?P<t{i}>{kind})")
        self.firsts = _picker(list(first.values()))
        self.distinct = len(first)
        self.template = re.compile("".join(parts))

    def blank_chars(self, tokens: list[str]) -> int:
        """Blank characters of both lines: all their characters less these are the
        non-blank ones, as ``"".join(text.split())`` counts them (and the weight of each
        line's token bag): test_words_property checks every character."""
        return len("".join(self.blank(tokens)))

    def shared_chars(self, tokens: list[str]) -> int:
        """The weight of the intersection of both lines' token bags."""
        if self.shared is None:
            self.shared = _picker(_shared_positions(tokens, self.split))
        return len("".join(self.shared(tokens)))

    def kept_chars(self, tokens: list[str]) -> int:
        """Non-blank characters the comparison keeps (its "equal" tokens, old side)."""
        return len("".join(self.kept(tokens)))

    def segments(self, tokens: list[str]) -> tuple[list[Segment], list[Segment]]:
        """The segments of the old and the new line (split into ``tokens``)."""
        return (
            list(zip(self.old_kinds, map("".join, self.old_slices(tokens)))),
            list(zip(self.new_kinds, map("".join, self.new_slices(tokens)))),
        )

    def segments_json(self, tokens: list[str], plain: bool = False) -> tuple[str, str]:
        """``segments`` as the JSON ``model`` writes for them (``segments_json``).

        ``plain`` says no token needs escaping in JSON (``needs_escaping``): then each side
        is one ``%`` of its tokens, each segment's string being its tokens between quotes.
        """
        if plain:
            if self.old_plain is None:
                self.old_plain, self.new_plain = map(_plain_template, self.ranges)
            return self.old_plain % tuple(tokens[:self.split]), self.new_plain % tuple(tokens[self.split + 1:])
        if self.old_json is None:
            self.old_json, self.new_json = _json_template(self.old_kinds), _json_template(self.new_kinds)
        return (
            self.old_json % tuple(map(_json_string, map("".join, self.old_slices(tokens)))),
            self.new_json % tuple(map(_json_string, map("".join, self.new_slices(tokens)))),
        )


def segments_json(segments: list[Segment]) -> str:
    """The JSON of a line's segments, as ``model`` writes them."""
    return "[" + ", ".join([f'["{part}", {_json_string(chars)}]' for part, chars in segments]) + "]"


#: A character JSON escapes (``encode_basestring``, as ``model`` writes strings).
needs_escaping = re.compile(r'[\x00-\x1f"\\]').search


def _plain_template(ranges: list[tuple[str, int, int]]) -> str:
    """The JSON of one side's segments (its token ``ranges``) as a ``%`` template of the
    side's tokens, for tokens that need no escaping."""
    return "[" + ", ".join([f'["{kind}", "{"%s" * (end - begin)}"]' for kind, begin, end in ranges]) + "]"


def _json_template(kinds: tuple[str, ...]) -> str:
    """``segments_json`` with a ``%s`` for each segment's JSON string; one segment's slices
    come with an empty one (``_kinds_and_slices``), which ``%.0s`` drops."""
    template = "[" + ", ".join([f'["{kind}", %s]' for kind in kinds]) + "]"
    return template + "%.0s" if len(kinds) == 1 else template


def _shared_positions(tokens: list[str], split: int) -> list[int]:
    """Positions in the old line of the intersection of both lines' bags of non-blank tokens:
    each token as many times as both lines have it."""
    left_in_new = Counter([token for token in tokens[split + 1:] if not token.isspace()])
    shared = []
    for i, token in enumerate(tokens[:split]):
        if left_in_new[token] > 0:  # never for a blank token: none was counted
            left_in_new[token] -= 1
            shared.append(i)
    return shared


def _picker(positions: list[int]):
    """A function of a token list giving the tokens at ``positions`` (an empty tuple if none)."""
    if not positions:
        return _nothing
    if len(positions) == 1:
        position = positions[0]
        return lambda tokens: (tokens[position],)  # itemgetter would give the token alone
    return itemgetter(*positions)


def _nothing(tokens):
    return ()


def _kinds_and_slices(ranges: list[tuple[str, int, int]]) -> tuple[tuple[str, ...], "callable"]:
    """The kinds of ``ranges`` and a function giving their token slices of a token list.

    With one range the slices come with an empty one, which ``zip`` with the kinds drops.
    """
    kinds = tuple(kind for kind, _, _ in ranges)
    slices = [slice(start, end) for _, start, end in ranges]
    if not slices:
        return kinds, _nothing
    return kinds, itemgetter(*slices, slice(0, 0)) if len(slices) == 1 else itemgetter(*slices)


def _extend(ranges: list[tuple[str, int, int]], kind: str, start: int, end: int) -> None:
    """``_append`` for token ranges: an empty range is dropped, one of the same kind joined."""
    if start == end:
        return
    if ranges and ranges[-1][0] == kind:
        ranges[-1] = (kind, ranges[-1][1], end)
    else:
        ranges.append((kind, start, end))


def _absorb_blank_gaps(opcodes, a):
    """Treat whitespace kept between two changes as changed, so "a b" -> "c d" is one change."""
    result = list(opcodes)
    for k in range(1, len(result) - 1):
        tag, i1, i2, j1, j2 = result[k]
        if tag == "equal" and all(t.isspace() for t in a[i1:i2]):
            if result[k - 1][0] != "equal" and result[k + 1][0] != "equal":
                result[k] = ("replace", i1, i2, j1, j2)
    return result
