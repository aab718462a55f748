"""The fast word marker gives exactly what the one it replaced gave: the same pairs, the same
segments, the same budget left over, on random and real inputs (``reference_words`` is the
old code, kept verbatim)."""

import random
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.diffviewer.core import DiffOptions, compute, words
from apps.diffviewer.core.align import align, hunk_fields
from tests.diffviewer import reference_words

BUDGET_FIELDS = ("chars", "pairing_chars", "token_cells", "refused")


def both_marks(left, right, budget=(None, None, None), opts=DiffOptions()):
    """(new hunks, old hunks, new budget left, old budget left) for the diff of two texts."""
    hunks = align(left, right, opts)
    new_budget, old_budget = words.Budget(*budget), reference_words.Budget(*budget)
    new = words.mark_words(hunks, new_budget)
    old = reference_words.mark_words(hunks, old_budget)
    return new, old, left_of(new_budget), left_of(old_budget)


def left_of(budget):
    return tuple(getattr(budget, name) for name in BUDGET_FIELDS)


def assert_same_marks(left, right, budget=(None, None, None), opts=DiffOptions()):
    new, old, new_left, old_left = both_marks(left, right, budget, opts)
    assert new == old
    assert new_left == old_left
    # The tuples the JSON is written from carry the same segments as the Lines.
    fields = words.mark_fields(hunk_fields(left, right, opts), words.Budget(*budget))
    assert fields == [
        (h.old_start, h.old_count, h.new_start, h.new_count, h.header,
         [(l.kind, l.old_no, l.new_no, l.text, l.segments, l.no_newline_at_end, l.cr) for l in h.lines])
        for h in old
    ]


@contextmanager
def limits(**values):
    """Set the same module constants in both word markers."""
    saved = {name: getattr(words, name) for name in values}
    try:
        for name, value in values.items():
            setattr(words, name, value)
            setattr(reference_words, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(words, name, value)
            setattr(reference_words, name, value)


# ---- random inputs ----

# Few distinct tokens, so lines share words, blanks and punctuation in many ways.
token = st.sampled_from(["x", "y", "foo", "bar_1", "é", "(", ")", ",", "=", ".", " ", "  ", "\t", "\u00a0", "\0"])
line = st.lists(token, max_size=14).map("".join)
lines = st.lists(line, max_size=12)


@st.composite
def edited_pair(draw):
    """Two texts: some lines, and the same lines with some replaced, inserted, deleted and
    edited token by token."""
    left = draw(lines)
    right = list(left)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(right)))
        action = draw(st.sampled_from(["edit", "edit", "insert", "delete", "replace"]))
        if action == "insert":
            right[at:at] = draw(st.lists(line, min_size=1, max_size=3))
        elif at < len(right) and action == "delete":
            del right[at]
        elif at < len(right) and action == "replace":
            right[at] = draw(line)
        elif at < len(right):
            tokens = re.findall(r"\w+|\s+|[^\w\s]", right[at])
            tokens[draw(st.integers(0, len(tokens))):0] = draw(st.lists(token, min_size=1, max_size=3))
            right[at] = "".join(tokens)
    return "\n".join(left) + "\n", "\n".join(right) + "\n"


budgets = st.one_of(
    st.just((None, None, None)),
    st.tuples(st.integers(0, 120), st.integers(0, 300), st.integers(0, 400)),
)


@settings(max_examples=400, deadline=None)
@given(edited_pair(), budgets)
def test_random_edits_are_marked_as_before(pair, budget):
    assert_same_marks(*pair, budget)


@settings(max_examples=150, deadline=None)
@given(edited_pair(), budgets, st.integers(0, 12), st.integers(0, 40))
def test_as_before_with_tight_limits(pair, budget, pairing_cells, line_chars):
    """Blocks paired in order and over-long lines, as a big diff meets them."""
    with limits(MAX_PAIRING_CELLS=pairing_cells, MAX_LINE_CHARS=line_chars):
        assert_same_marks(*pair, budget)


@settings(max_examples=200, deadline=None)
@given(line, line)
def test_line_segments_as_before(old, new):
    assert words.line_segments(old, new) == reference_words.line_segments(old, new)


def test_as_before_when_the_same_shape_comes_back_with_other_words():
    """Pairs of one shape share a plan; each still gets its own words, blanks and verdict."""
    left = "".join(f"    total_{i} = compute(value_{i}, {i % 7})\n  \n" for i in range(300))
    right = "".join(
        f"    total_{i} = recompute(item_{i}, {i % 5})\n{' ' if i % 3 else 'x'} \n" for i in range(300)
    )
    assert_same_marks(left, right)
    assert_same_marks(left, right, (4_000, 3_000, 2_000))


@st.composite
def pairs_of_one_shape_mostly(draw):
    """A diff of lone changed lines, each pair the first one with its words (and some blanks
    and marks) swapped for others of the same kind: mostly the same shape, sometimes two
    words the first pair had apart come out equal, or a blank or mark differs."""
    old, new = draw(line), draw(line)
    left, right = [], []
    for _ in range(draw(st.integers(2, 12))):
        swap = {word: draw(st.sampled_from(["x", "y", "z", "é"])) for word in re.findall(r"\w+", f"{old} {new}")}
        swap |= {mark: draw(st.sampled_from([mark, mark, mark, mark, ",", "\t"]))
                 for mark in re.findall(r"[^\w\s]|\s+", old) + re.findall(r"[^\w\s]|\s+", new)}
        retoken = lambda text: re.sub(r"\w+|[^\w\s]|\s+", lambda m: swap[m.group()], text)
        left += [retoken(old), "same"]
        right += [retoken(new), "same"]
    return "\n".join(left) + "\n", "\n".join(right) + "\n"


@settings(max_examples=300, deadline=None)
@given(pairs_of_one_shape_mostly())
def test_as_before_when_shapes_repeat_with_other_words(pair):
    """Once a shape has come back often, the word marker matches the pairs after it against
    the shape as a whole (``_Plan.make_template``) instead of numbering their tokens."""
    with templates_soon():
        assert_same_marks(*pair)


@contextmanager
def templates_soon():
    """A shape's regular expression made the second time the shape is seen, not the 64th."""
    saved = words.TEMPLATE_AFTER
    words.TEMPLATE_AFTER = 2
    try:
        yield
    finally:
        words.TEMPLATE_AFTER = saved


def test_pairs_alike_but_for_blanks_or_where_one_line_ends_do_not_share_a_plan():
    """"a b" -> "c d" and "a,b" -> "c,d" have their equal tokens in the same places, but a
    kept blank between two changes joins them and a kept comma does not; "(" -> "(x)" and
    "((" -> "x)" number their tokens alike until one asks where the old line ends; and
    "a" -> ",a" and "a," -> "a" have tokens of the same kinds in the same order."""
    cases = [(("a b", "c d"), ("a,b", "c,d")), (("(", "(x)"), ("((", "x)")), (("a", ",a"), ("a,", "a"))]
    for first, second in cases:
        for old, new in (first, second), (second, first):
            # The first shape twice running, so the second pair is matched against it.
            left = "\n1\n2\n3\n4\n5\n6\n7\n".join([old[0], old[0], new[0]]) + "\n"
            right = "\n1\n2\n3\n4\n5\n6\n7\n".join([old[1], old[1], new[1]]) + "\n"
            with templates_soon():
                assert_same_marks(left, right)
                assert_same_marks(right, left)


def test_as_before_on_long_lines_where_difflib_ignores_popular_tokens():
    """``SequenceMatcher``'s autojunk drops tokens common in a line of 200 or more."""
    rng = random.Random(5)
    vocabulary = ["a", "b", "c", " ", ",", "(", ")", "word"]
    left, right = [], []
    for _ in range(40):
        tokens = [rng.choice(vocabulary) for _ in range(rng.randint(150, 260))]
        left.append("".join(tokens))
        for _ in range(rng.randint(1, 20)):
            tokens[rng.randrange(len(tokens))] = rng.choice(vocabulary)
        right.append("".join(tokens))
    assert_same_marks("\n".join(left) + "\n", "\n".join(right) + "\n")


# ---- real inputs ----

def python_source(name):
    return (Path(sys.modules["difflib"].__file__).parent / name).read_text(encoding="utf-8")


def edited(text, seed):
    """``text`` edited as people do: renames, changed arguments, re-indented, moved, inserted
    and deleted lines."""
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    names = sorted(set(re.findall(r"\b[a-z_]{4,}\b", text)))
    for _ in range(len(lines) // 15):
        at = rng.randrange(len(lines))
        action = rng.choice(["rename", "rename", "argument", "indent", "move", "insert", "delete"])
        if action == "rename":
            old_name = rng.choice(names)
            lines[at:at + 8] = [l.replace(old_name, old_name + "_v2") for l in lines[at:at + 8]]
        elif action == "argument":
            lines[at] = re.sub(r"\(", "(self, ", lines[at], count=1)
        elif action == "indent":
            lines[at:at + 4] = ["    " + l for l in lines[at:at + 4]]
        elif action == "move":
            block = lines[at:at + 5]
            del lines[at:at + 5]
            to = rng.randrange(len(lines) + 1)
            lines[to:to] = block
        elif action == "insert":
            lines[at:at] = [rng.choice(lines)]
        else:
            del lines[at]
    return "".join(lines)


def test_real_python_files_edited_are_marked_as_before():
    for name, seed in [("difflib.py", 1), ("argparse.py", 2), ("json/decoder.py", 3), ("textwrap.py", 4)]:
        source = python_source(name)
        assert_same_marks(source, edited(source, seed))
        assert_same_marks(source, edited(source, seed), (20_000, 50_000, 30_000))


def test_real_python_file_against_another_file_is_marked_as_before():
    """Two unrelated modules: big blocks, mostly dissimilar lines."""
    assert_same_marks(python_source("textwrap.py"), python_source("shlex.py"))


def test_the_benchmark_pair_is_marked_as_before():
    assert_same_marks(*forty_thousand_line_pair())


def forty_thousand_line_pair():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        from diff_render import make_pair
    finally:
        sys.path.pop(0)
    return make_pair()


# ---- the JSON API's answer ----

def json_before(monkeypatch, left, right, opts=DiffOptions()):
    """The JSON as it was: ``diff_texts(...).to_json()`` with the old word marker."""
    with monkeypatch.context() as patched:
        patched.setattr(compute, "mark_words", reference_words.mark_words)
        return compute.diff_texts(left, right, opts).to_json()


def test_the_json_api_answers_as_before(monkeypatch):
    """``diff_json`` now marks the fields it writes, not Lines: the same JSON, byte for byte."""
    source = python_source("difflib.py")
    pairs = [forty_thousand_line_pair(), (source, edited(source, 11)), ("a b\n", "a c\n"), ("x\n", "y\n")]
    for left, right in pairs:
        for opts in (DiffOptions(), DiffOptions(moved=False), DiffOptions(context=None, whitespace="amount")):
            assert compute.diff_json(left, right, opts) == json_before(monkeypatch, left, right, opts)


def test_whitespace_options_are_marked_as_before():
    source = python_source("textwrap.py")
    for whitespace in ("all", "amount", "eol"):
        assert_same_marks(source, edited(source, 9), opts=DiffOptions(whitespace=whitespace))


# ---- what the speed-up relies on ----

def test_token_bag_weights_are_the_non_blank_characters():
    """The pairing similarity of a single pair is computed from ``_solid_length`` instead of
    the token bags' weights: equal for every text, because for every code point regex ``\\s``,
    ``str.isspace`` and ``str.split`` agree, and no character is both ``\\w`` and blank."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    blank_by_regex = {m.start() for m in re.finditer(r"\s", every)}
    blank_by_isspace = {i for i, c in enumerate(every) if c.isspace()}
    assert blank_by_regex == blank_by_isspace
    assert "".join(every.split()) == "".join(c for c in every if not c.isspace())
    assert not any(re.match(r"\w", every[i]) for i in blank_by_regex)
