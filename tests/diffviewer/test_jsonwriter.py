"""The diff JSON written in one pass from libgit2's patch text (``core.jsonwriter``) is
``Diff.to_json()``'s, byte for byte: on random texts (CR, missing newlines, quotes, "%",
lone surrogates, lines that look like patch syntax), moved code, real files edited, and
every option."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.diffviewer.core import DiffOptions, compute, diff_texts
from apps.diffviewer.core.errors import OutputTooLarge
from apps.diffviewer.core.jsonwriter import patch_json
from tests.diffviewer.test_words_property import (edited, forty_thousand_line_pair, pairs_of_one_shape_mostly,
                                                  python_source, templates_soon)

options = st.builds(
    DiffOptions,
    context=st.sampled_from([0, 1, 3, None]),
    whitespace=st.sampled_from([None, "all", "amount", "eol"]),
    ignore_blank_lines=st.booleans(),
    word_diff=st.booleans(),
    moved=st.booleans(),
)


def assert_written_as_before(left, right, opts=DiffOptions()):
    """``patch_json`` gives ``to_json()``'s answer, or declines (None) only where libgit2
    numbers lines after a missing newline oddly, which only whitespace options bring about;
    ``diff_json`` gives ``to_json()``'s answer either way."""
    before = diff_texts(left, right, opts).to_json()
    answer = patch_json(left, right, opts)
    if answer is None:
        assert opts.whitespace or opts.ignore_blank_lines
        assert not (left.endswith("\n") and right.endswith("\n"))
    else:
        assert answer == before
    assert compute.diff_json(left, right, opts) == before


# ---- random inputs ----

piece = st.sampled_from([
    "a", "b", "foo", " ", "  ", "\t", "\r", "é", "\ud800", "%", "%s", '"', "\\", "@@ -1 +1 @@", "+", "-",
    "\\ No newline at end of file", "  x = y(1)", "\x0b", "\x0c", "\u2028", "\x85", "}", "\x1b", "\u00a0",
])
line = st.lists(piece, max_size=6).map("".join)
lines = st.lists(line, max_size=12)
text = st.one_of(
    lines.map("\n".join),  # no newline at the end
    lines.map(lambda ls: "".join(f"{l}\n" for l in ls)),
    lines.map(lambda ls: "".join(f"{l}\r\n" for l in ls)),
)


@settings(max_examples=600, deadline=None)
@given(text, text, options)
def test_random_texts_are_written_as_before(left, right, opts):
    if left != right:
        assert_written_as_before(left, right, opts)


# Lines long enough (20 letters and digits) to count as moved, some re-indented or with CR.
MOVABLE = [
    "    result = compute_value(alpha, beta)", "\tresult = compute_value(alpha, beta)", "", "   ", "}",
    "def function_name(argument):", "    return something_else + 1", "        return something_else + 1\r",
    "x = 1", "    total_items = sum(values_list)",
]


@st.composite
def moved_blocks(draw):
    """A text of movable lines and the same with blocks moved (some re-indented), a line
    changed, and either text's last newline (or CRLF) perhaps left out."""
    left = draw(st.lists(st.sampled_from(MOVABLE), max_size=30))
    right = list(left)
    rng = random.Random(draw(st.integers(0, 10**6)))
    for _ in range(draw(st.integers(0, 4))):
        if len(right) > 3:
            at, size = rng.randrange(len(right)), rng.randint(1, 4)
            block = right[at:at + size]
            del right[at:at + size]
            if rng.random() < 0.3:
                block = ["  " + moved for moved in block]
            to = rng.randrange(len(right) + 1)
            right[to:to] = block
    if right and draw(st.booleans()):
        right[rng.randrange(len(right))] += " changed"
    left_end, right_end = draw(st.sampled_from(["\n", "", "\r\n"])), draw(st.sampled_from(["\n", ""]))
    return "\n".join(left) + left_end, "\n".join(right) + right_end


@settings(max_examples=400, deadline=None)
@given(moved_blocks(), options)
def test_moved_code_is_written_as_before(pair, opts):
    left, right = pair
    if left != right:
        assert_written_as_before(left, right, opts)


@settings(max_examples=300, deadline=None)
@given(pairs_of_one_shape_mostly())
def test_pairs_split_by_their_shape_are_written_as_before(pair):
    """Segments written by a shape's regular expression, tabs (escaped in JSON) or not."""
    left, right = pair
    if left != right and "\0" not in left + right:
        with templates_soon():
            assert_written_as_before(left, right)


# ---- real inputs and the cases that take another path ----

ALL_OPTIONS = [
    DiffOptions(), DiffOptions(moved=False), DiffOptions(word_diff=False), DiffOptions(word_diff=False, moved=False),
    DiffOptions(context=None), DiffOptions(context=0, whitespace="amount"), DiffOptions(whitespace="all", ignore_blank_lines=True),
]


@pytest.mark.parametrize("opts", ALL_OPTIONS, ids=repr)
def test_real_files_edited_are_written_as_before(opts):
    for name, seed in [("difflib.py", 1), ("argparse.py", 2), ("json/decoder.py", 3)]:
        source = python_source(name)
        changed = edited(source, seed)
        assert patch_json(source, changed, opts) is not None
        assert_written_as_before(source, changed, opts)
    assert_written_as_before(python_source("textwrap.py"), python_source("shlex.py"), opts)


def test_the_benchmark_pair_is_written_as_before():
    left, right = forty_thousand_line_pair()
    for opts in ALL_OPTIONS[:4]:
        assert patch_json(left, right, opts) is not None
        assert_written_as_before(left, right, opts)


@pytest.mark.parametrize("left, right", [
    ("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"),  # CRLF
    ("a\nb\r\nc", "a\nb\nc\r"),  # CR on some lines, no newline at the end
    ("a\nb", "a\nc"),  # both without a newline at the end
    ("a\nb\n", "a\nb"),
    ("", "new\n"),
    ("old\n", ""),
    ("def f():\n    x = 1\n    y = 2\n", "def f():\n    x = 1\n    y = 3\n"),  # a header with a function line
    ("f\ud800():\n    x = 1\n    y = 2\n", "f\ud800():\n    x = 1\n    y = 3\n"),  # ... where U+FFFD stands in
    ("100% sure: %s %d %(x)s\n", "100%% sure: %r\n"),
])
def test_edge_cases_are_written_as_before(left, right):
    for opts in ALL_OPTIONS:
        assert_written_as_before(left, right, opts)


def test_whitespace_only_changes_ignored_give_no_hunks():
    assert_written_as_before("a  b\n", "a b\n", DiffOptions(whitespace="amount"))
    assert patch_json("a  b\n", "a b\n", DiffOptions(whitespace="amount")).endswith('"hunks": []}')


def test_a_line_numbered_after_a_missing_newline_is_left_to_the_line_by_line_writer():
    """libgit2 counts "\\ No newline at end of file" as two lines: with whitespace ignored,
    the old text's last line can follow the new text's, and its number is one too many.
    ``patch_json`` declines; ``diff_json`` still answers what ``to_json`` does."""
    opts = DiffOptions(context=1, whitespace="all")
    assert patch_json("aaaaaa\n\n", "aaaaaa", opts) is None
    assert '"old_no": 3' in compute.diff_json("aaaaaa\n\n", "aaaaaa", opts)
    assert_written_as_before("aaaaaa\n\n", "aaaaaa", opts)


def test_an_answer_over_max_bytes_is_refused_as_before():
    source = python_source("difflib.py")
    changed = edited(source, 5)
    answer = compute.diff_json(source, changed)
    assert compute.diff_json(source, changed, max_bytes=len(answer)) == answer
    with pytest.raises(OutputTooLarge) as refused:
        compute.diff_json(source, changed, max_bytes=len(answer) - 1000)
    assert "grew past" in refused.value.message
