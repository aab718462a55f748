"""Word-level marks: which parts of a changed line changed, for ``<del>``/``<ins>``.

In each block of consecutive changed lines the deleted and added lines are
paired, most similar first but keeping their order, and each pair is compared
token by token (words, runs of whitespace, single punctuation marks) with
``difflib`` -- fine for one line, unlike for whole files.  Lines left unpaired,
pairs too dissimilar to be worth marking, over-long lines and everything after
a per-diff budget are marked as wholly changed, so the cost stays bounded.

Every step is charged to one per-diff ``Budget``: comparing a pair word by word costs
its characters (``BUDGET_CHARS``) and, since ``SequenceMatcher`` is quadratic at worst,
the product of its token counts (``BUDGET_TOKEN_CELLS``; a pair that cannot afford it is
marked wholly changed), and finding the most similar pairs costs, per cell of
the similarity matrix, the characters of both lines (``PAIRING_BUDGET_CHARS``); a block
that cannot afford its matrix is paired in order instead.  Over-long lines
(``MAX_LINE_CHARS``) are never split into words, paired or compared.

Speed: ``SequenceMatcher`` looks only at which tokens are equal, never at what they
are, so two pairs with the same *shape* get the same opcodes (``wordshapes``).  A diff's
changed lines are mostly edits of one kind (a renamed call, a changed argument), so each
shape is compared once per diff and its ``Plan`` -- the segments as token ranges, the
tokens that count as kept, the tokens both lines share -- is applied to every pair of
that shape; a shape that keeps coming back (``TEMPLATE_AFTER``) gets a regular expression
that splits its next pairs into tokens in one match.  The output is the same as comparing
every pair afresh, budgets included; ``tests/diffviewer/test_words_property.py`` holds it
to the code it replaced (``tests/diffviewer/reference_words.py``).
"""

import re
from collections import Counter
from itertools import repeat
from operator import attrgetter, itemgetter

from .model import Hunk, Line, Segment
from .wordshapes import SEPARATOR as _SEPARATOR
from .wordshapes import TOKEN as _TOKEN
from .wordshapes import Plan, needs_escaping, segments_json, shape

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
#: Pairs with more tokens than this (both lines together) are compared without keeping
#: their plan: a long line's shape seldom comes back, and its key would be big.
MAX_PLANNED_TOKENS = 400
#: A shape compared this many times in a diff gets a regular expression that splits the
#: next pairs of that shape (``Plan.make_template``, about 0.3 ms to make; it saves ~5 us a pair).
TEMPLATE_AFTER = 64
#: Shapes with more tokens than this get none.
MAX_TEMPLATE_TOKENS = 100



def mark_words(hunks: list[Hunk], budget: "Budget | None" = None) -> list[Hunk]:
    """``hunks`` with ``segments`` set on every added and deleted line, within ``budget``."""
    marked = _Marker(budget or Budget()).mark_lines(_end_to_end([hunk.lines for hunk in hunks], _HUNK_END_LINE))
    return [
        Hunk(hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count, hunk.header, lines)
        for hunk, lines in zip(hunks, _cut(marked, hunks, len_of=lambda hunk: len(hunk.lines)))
    ]


def mark_fields(hunks: list[tuple], budget: "Budget | None" = None) -> list[tuple]:
    """``mark_words`` for ``align.hunk_fields``' tuples: each changed line's tuple gets its
    segments (its fifth field), as ``mark_words`` would give its ``Line``."""
    marked = _Marker(budget or Budget()).mark_tuples(_end_to_end([fields[5] for fields in hunks], _HUNK_END))
    return [(*fields[:5], lines) for fields, lines in zip(hunks, _cut(marked, hunks, len_of=lambda fields: len(fields[5])))]


def mark_runs(letters: str, texts: list[str], budget: "Budget | None" = None, as_json: bool = False) -> list:
    """``(index, segments)`` of each changed line of lines given as one letter each in
    ``letters`` ("-" deleted, "+" added, any other not changed) and their ``texts``, in
    order: the segments ``mark_words`` gives those lines (``as_json``: their JSON text)."""
    marker = _Marker(budget or Budget(), as_json)
    one_pair = marker.one_pair
    marked = []
    for run in _CHANGED_LETTERS.finditer(letters):
        start, end = run.span()
        if end - start == 2 and letters[start] == "-" and letters[end - 1] == "+":  # a lone pair, the common case
            marked += zip((start, start + 1), one_pair(texts[start], texts[end - 1]))
        else:
            kinds = ["delete" if letter == "-" else "add" for letter in run.group()]
            marked += enumerate(marker.block(kinds, texts[start:end]), start)
    return marked


# Hunks are marked end to end, one list of lines (a diff of many small hunks costs less so),
# with a context line after each hunk so that no run of changed lines spans two.
_HUNK_END = ("context",)
_HUNK_END_LINE = Line("context", None, None, "")


def _end_to_end(line_lists: list[list], end) -> list:
    joined = []
    for lines in line_lists:
        joined += lines
        joined.append(end)
    return joined


def _cut(joined: list, hunks: list, len_of) -> list[list]:
    """``joined`` cut back into the lines of each of ``hunks``."""
    cut, start = [], 0
    for hunk in hunks:
        end = start + len_of(hunk)
        cut.append(joined[start:end])
        start = end + 1
    return cut


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


class _Marker:
    """Marks the changed lines of one diff: its ``Budget``, and the plan of each pair shape
    compared so far.  With ``as_json`` its segments are their JSON text (``segments_json``)."""

    def __init__(self, budget: Budget, as_json: bool = False):
        self.budget = budget
        self.whole = _whole_json if as_json else _whole
        self.as_json = as_json
        self.plans: dict[tuple, Plan] = {}
        self.recent: Plan | None = None  # the plan of the last pair compared

    def mark_lines(self, lines: list[Line]) -> list[Line]:
        marked = list(lines)
        for start, end in _changed_runs(list(map(_KIND_OF_LINE, lines))):
            run = lines[start:end]
            segments = self.block([line.kind for line in run], [line.text for line in run])
            # Line(kind, old_no, new_no, text, segments, no_newline_at_end, cr): positional is
            # twice as fast as dataclasses.replace, which shows on diffs of thousands of lines.
            marked[start:end] = [
                Line(line.kind, line.old_no, line.new_no, line.text, marks, line.no_newline_at_end, line.cr)
                for line, marks in zip(run, segments)
            ]
        return marked

    def mark_tuples(self, lines: list[tuple]) -> list[tuple]:
        marked = list(lines)
        kinds = list(map(_KIND_OF_TUPLE, lines))
        for start, end in _changed_runs(kinds):
            if end - start == 2 and kinds[start] == "delete" and kinds[start + 1] == "add":  # the common case
                old, new = lines[start], lines[start + 1]
                old_marks, new_marks = self.one_pair(old[3], new[3])
                marked[start] = old[:4] + (old_marks,) + old[5:]
                marked[start + 1] = new[:4] + (new_marks,) + new[5:]
                continue
            run = lines[start:end]
            segments = self.block(kinds[start:end], [line[3] for line in run])
            marked[start:end] = [line[:4] + (marks,) + line[5:] for line, marks in zip(run, segments)]
        return marked

    def block(self, kinds: list[str], texts: list[str]) -> list[list[Segment]]:
        """The segments of each line of one run of changed lines (deletions, then additions)."""
        if len(kinds) == 2 and kinds[0] == "delete" and kinds[1] == "add":
            return list(self.one_pair(texts[0], texts[1]))
        deleted = [text for kind, text in zip(kinds, texts) if kind == "delete"]
        added = [text for kind, text in zip(kinds, texts) if kind == "add"]
        old_segments, new_segments = self.pairs(deleted, added)
        old_iter, new_iter = iter(old_segments), iter(new_segments)
        return [next(old_iter if kind == "delete" else new_iter) for kind in kinds]

    def pairs(self, deleted: list[str], added: list[str]) -> tuple[list, list]:
        """Segments of each deleted and each added line of a block."""
        budget = self.budget
        old_segments = [self.whole("delete", text) for text in deleted]
        new_segments = [self.whole("insert", text) for text in added]
        old_tokens, new_tokens = _Tokens(deleted), _Tokens(added)
        for i, j in _pair(deleted, added, old_tokens, new_tokens, budget):
            old, new = deleted[i], added[j]
            if len(old) > MAX_LINE_CHARS or len(new) > MAX_LINE_CHARS:
                continue  # wholly changed, at no cost
            if not budget.spend(len(old) + len(new)):
                break
            a, b = old_tokens[i], new_tokens[j]
            if budget.spend_token_cells(len(a) * len(b)):
                old_segments[i], new_segments[j] = self.segments(old, new, a, b)
        return old_segments, new_segments

    def one_pair(self, old: str, new: str) -> tuple[list[Segment], list[Segment]]:
        """``pairs([old], [new])``, a block of one deleted and one added line, without a
        similarity matrix: the pair's plan gives its similarity and its segments at once."""
        budget = self.budget
        chars = len(old) + len(new)
        if len(old) > MAX_LINE_CHARS or len(new) > MAX_LINE_CHARS:
            if 1 <= MAX_PAIRING_CELLS:
                budget.spend_pairing(0)  # over-long lines take no part in the matrix
            return self.whole("delete", old), self.whole("insert", new)
        if 1 > MAX_PAIRING_CELLS or not budget.spend_pairing(chars):  # paired in order
            if not budget.spend(chars):
                return self.whole("delete", old), self.whole("insert", new)  # before splitting a word
            tokens, split, plan = self.split(old, new)
            if budget.spend_token_cells(split * (len(tokens) - split - 1)):
                plan = plan or self.plan(tokens, split)
                return self.finish(plan, old, new, tokens, chars - plan.blank_chars(tokens))
            return self.whole("delete", old), self.whole("insert", new)
        tokens, split, plan = self.split(old, new)
        cells = split * (len(tokens) - split - 1)
        if chars > budget.chars or cells > budget.token_cells:
            # Not to be compared, so not worth a plan: only whether the lines pair matters,
            # for what that spends.
            if _dice(_weighed(tokens[:split]), _weighed(tokens[split + 1:])) >= MIN_SIMILARITY:
                budget.spend(chars)
            return self.whole("delete", old), self.whole("insert", new)
        plan = plan or self.plan(tokens, split)
        solid = chars - len("".join(plan.blank(tokens)))  # plan.blank_chars(tokens), inlined
        # The characters kept are among those both lines share: a pair that keeps enough is
        # similar enough to pair, without counting what it shares.
        kept_enough = not solid or 2 * len("".join(plan.kept(tokens))) / solid >= MIN_SIMILARITY
        if not kept_enough and (2 * plan.shared_chars(tokens) / solid) < MIN_SIMILARITY:
            return self.whole("delete", old), self.whole("insert", new)  # not paired
        budget.chars -= chars  # budget.spend(chars) and budget.spend_token_cells(cells),
        budget.token_cells -= cells  # both affordable as seen above
        if kept_enough:
            if self.as_json:
                return plan.segments_json(tokens, not (needs_escaping(old) or needs_escaping(new)))
            return plan.segments(tokens)
        return self.whole("delete", old), self.whole("insert", new)  # paired, but too little kept

    def segments(self, old: str, new: str, a: list[str], b: list[str]) -> tuple[list[Segment], list[Segment]]:
        """``line_segments`` of two lines within ``MAX_LINE_CHARS``, already split into tokens."""
        tokens = [*a, _SEPARATOR, *b]
        plan = self.plan(tokens, len(a))
        return self.finish(plan, old, new, tokens, len(old) + len(new) - plan.blank_chars(tokens))

    def finish(self, plan: Plan, old: str, new: str, tokens: list[str], solid: int) -> tuple:
        """The segments of ``old`` and ``new`` (split into ``tokens``, compared by ``plan``),
        whose non-blank characters number ``solid``: wholly changed if too little is kept."""
        if solid and 2 * plan.kept_chars(tokens) / solid < MIN_SIMILARITY:
            return self.whole("delete", old), self.whole("insert", new)
        return plan.segments_json(tokens) if self.as_json else plan.segments(tokens)

    def split(self, old: str, new: str) -> tuple:
        """(tokens, split, plan): ``_tokens_of_both`` and, when known already, the plan."""
        tokens, split, plan = self.split_like_recent(old, new)
        if tokens is None:
            tokens, split = _tokens_of_both(old, new)
        return tokens, split, plan

    def split_like_recent(self, old: str, new: str) -> tuple:
        """(tokens, split, plan) of a pair of the same shape as the last pair compared, found
        by that shape's ``template`` (one regular expression match, no tokens split and
        numbered one by one); (None, None, None) for any other pair."""
        recent = self.recent
        if recent is None or recent.template is None or _SEPARATOR in old or _SEPARATOR in new:
            return None, None, None
        match = recent.template.fullmatch(f"{old}{_SEPARATOR}{new}")
        if match is None:
            return None, None, None
        tokens = match.groups()
        if len(set(recent.firsts(tokens))) != recent.distinct:
            return None, None, None  # two tokens the shape has apart are equal here
        return tokens, recent.split, recent

    def plan(self, tokens: list[str], split: int) -> "Plan":
        """The plan of old line ``tokens[:split]`` against new line ``tokens[split + 1:]``."""
        if len(tokens) > MAX_PLANNED_TOKENS:
            return Plan(tokens, split)
        key = shape(tokens, split)
        plan = self.plans.get(key)
        if plan is None:
            plan = self.plans[key] = Plan(tokens, split)
        else:
            plan.uses += 1
            if plan.uses == TEMPLATE_AFTER and len(tokens) <= MAX_TEMPLATE_TOKENS:
                plan.make_template(tokens)
        self.recent = plan
        return plan


_KIND_OF_LINE = attrgetter("kind")
_KIND_OF_TUPLE = itemgetter(0)


def _tokens_of_both(old: str, new: str) -> tuple[list[str], int]:
    """The tokens of ``old``, ``_SEPARATOR`` and the tokens of ``new``; and where it stands."""
    if _SEPARATOR in old or _SEPARATOR in new:
        a = _TOKEN.findall(old)
        return [*a, _SEPARATOR, *_TOKEN.findall(new)], len(a)
    tokens = _TOKEN.findall(f"{old}{_SEPARATOR}{new}")  # one call: a NUL is a token by itself
    return tokens, tokens.index(_SEPARATOR)


def _changed_runs(kinds: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of consecutive changed lines, from the lines' kinds."""
    letters = "".join(map(_KIND_LETTER.get, kinds, repeat("-")))
    return [run.span() for run in _CHANGED_RUN.finditer(letters)]


_KIND_LETTER = {"context": " ", "delete": "-", "add": "+"}
_CHANGED_RUN = re.compile(r"[^ ]+")
_CHANGED_LETTERS = re.compile(r"[-+]+")


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
    old_bags = [_weighed_bag(old, old_tokens, i) for i in range(len(old))]
    new_bags = [_weighed_bag(new, new_tokens, j) for j in range(len(new))]
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
    return _Marker(Budget()).segments(old, new, _TOKEN.findall(old), _TOKEN.findall(new))


def _whole(kind: str, text: str) -> list[Segment]:
    return [(kind, text)] if text else []


def _whole_json(kind: str, text: str) -> str:
    return segments_json(_whole(kind, text))


def _weighed_bag(texts: list[str], tokens: _Tokens, i: int) -> "tuple[Counter, int] | None":
    """The token bag of ``texts[i]`` and its weight, or None for an over-long line (never paired)."""
    return None if len(texts[i]) > MAX_LINE_CHARS else _weighed(tokens[i])


def _weighed(tokens: list[str]) -> "tuple[Counter, int]":
    bag = _bag(tokens)
    return bag, _weight(bag)


def _bag(tokens: list[str]) -> Counter:
    return Counter([t for t in tokens if not t.isspace()])


def _dice(a: "tuple[Counter, int] | None", b: "tuple[Counter, int] | None") -> float:
    """Share of non-blank characters the two token bags have in common (0 for an over-long line)."""
    if a is None or b is None:
        return 0.0
    total = a[1] + b[1]
    if not total:
        return 1.0
    small, big = (a[0], b[0]) if len(a[0]) <= len(b[0]) else (b[0], a[0])
    # The weight of ``small & big``, without making that Counter.
    shared = sum([len(token) * min(count, big[token]) for token, count in small.items() if token in big])
    return 2 * shared / total


def _weight(bag: Counter) -> int:
    return sum(len(token) * count for token, count in bag.items())
