"""Word marks: the segments of changed lines say which words changed."""

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.diffviewer.core import DiffOptions, diff_texts, words
from apps.diffviewer.core.words import line_segments, pair_lines
from tests.payloads import SHORT_LINES, distinct_words
from tests.waiting import timed


def changed(left, right, opts=DiffOptions()):
    """(kind, segments) of every added or deleted line."""
    return [
        (line.kind, line.segments)
        for hunk in diff_texts(left, right, opts).hunks
        for line in hunk.lines
        if line.kind != "context"
    ]


def test_a_changed_word_is_marked_on_both_sides():
    assert changed("foo bar baz\n", "foo qux baz\n") == [
        ("delete", [("equal", "foo "), ("delete", "bar"), ("equal", " baz")]),
        ("add", [("equal", "foo "), ("insert", "qux"), ("equal", " baz")]),
    ]


def test_punctuation_is_its_own_token():
    assert line_segments("f(a, b)", "f(a, c)") == (
        [("equal", "f(a, "), ("delete", "b"), ("equal", ")")],
        [("equal", "f(a, "), ("insert", "c"), ("equal", ")")],
    )


def test_whitespace_between_two_changes_joins_them():
    """"a b" -> "c d" reads as one change, not two with a kept space between."""
    assert line_segments("a b", "c d") == ([("delete", "a b")], [("insert", "c d")])


def test_context_lines_have_no_segments():
    diff = diff_texts("a\nb\n", "a\nc\n")
    assert diff.hunks[0].lines[0].segments is None


def test_word_diff_off_leaves_segments_empty():
    assert changed("foo bar\n", "foo baz\n", DiffOptions(word_diff=False)) == [("delete", None), ("add", None)]


def test_a_line_without_a_partner_is_wholly_changed():
    assert changed("a\n", "a\nnew line\n") == [("add", [("insert", "new line")])]


def test_an_empty_changed_line_has_no_segments():
    assert changed("a\n", "a\n\n") == [("add", [])]


def test_dissimilar_lines_are_wholly_changed():
    assert changed("import os\n", "return total * 2\n") == [
        ("delete", [("delete", "import os")]),
        ("add", [("insert", "return total * 2")]),
    ]


def test_lines_pair_with_their_most_similar_partner():
    """A deleted line pairs with the added line it resembles, not merely the first one."""
    old = ["result = compute(alpha, beta)"]
    new = ["# a new comment line", "result = compute(alpha, gamma)"]
    assert pair_lines(old, new) == [(0, 1)]


block_side = st.lists(st.sampled_from(["x = 1", "x = 2", "y = 1", "f(x)", "f(y, x)", ""]), max_size=6)


@settings(max_examples=150, deadline=None)
@given(block_side, block_side)
def test_pairs_keep_the_order_of_the_lines(old, new):
    pairs = pair_lines(old, new)
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in zip(pairs, pairs[1:]))
    assert all(0 <= i < len(old) and 0 <= j < len(new) for i, j in pairs)


def test_big_blocks_pair_lines_in_order(monkeypatch):
    monkeypatch.setattr(words, "MAX_PAIRING_CELLS", 3)
    assert pair_lines(["a", "b"], ["c", "d", "e"]) == [(0, 0), (1, 1)]


def test_over_long_lines_are_wholly_changed():
    long_line = "word " * (words.MAX_LINE_CHARS // 5 + 1)
    assert line_segments(long_line, long_line + "x") == (
        [("delete", long_line)],
        [("insert", long_line + "x")],
    )


def test_word_marks_stop_when_the_budget_is_spent(monkeypatch):
    monkeypatch.setattr(words, "BUDGET_CHARS", 30)
    left = "  keep\nfoo bar one\n  keep\nfoo bar two\n"
    right = "  keep\nfoo baz one\n  keep\nfoo baz two\n"
    segments = [s for kind, s in changed(left, right) if kind == "add"]
    assert segments == [
        [("equal", "foo "), ("insert", "baz"), ("equal", " one")],
        [("insert", "foo baz two")],
    ]


line_text = st.text(st.sampled_from("ab (),\t é"), max_size=20)


@settings(max_examples=150, deadline=None)
@given(line_text, line_text)
def test_segments_rebuild_each_line_with_nothing_empty(old, new):
    old_segments, new_segments = line_segments(old, new)
    assert "".join(text for _, text in old_segments) == old
    assert "".join(text for _, text in new_segments) == new
    assert all(text for _, text in old_segments + new_segments)
    assert {kind for kind, _ in old_segments} <= {"equal", "delete"}
    assert {kind for kind, _ in new_segments} <= {"equal", "insert"}
    kept_old = "".join(t for k, t in old_segments if k == "equal")
    assert kept_old == "".join(t for k, t in new_segments if k == "equal")


# ---- no step's cost escapes the budget (issue 9) ----

def test_pairing_is_charged_to_the_diffs_budget():
    old = ["alpha beta", "gamma delta", "epsilon"]
    new = ["gamma delta!", "alpha beta?"]
    budget = words.Budget()
    pair_lines(old, new, budget)
    assert budget.pairing_chars == words.PAIRING_BUDGET_CHARS - words.pairing_cost(old, new)
    assert words.pairing_cost(old, new) == 2 * (10 + 11 + 7) + 3 * (12 + 11)


def test_a_block_whose_matrix_costs_more_than_is_left_is_paired_in_order():
    old, new = ["x y z", "alpha beta gamma"], ["alpha beta gamma delta", "x y"]
    assert pair_lines(old, new) == [(1, 0)]  # the most similar pair, as usual
    budget = words.Budget(pairing_chars=words.pairing_cost(old, new) - 1)
    assert pair_lines(old, new, budget) == [(0, 0), (1, 1)]
    assert budget.refused == 1 and budget.pairing_chars == words.pairing_cost(old, new) - 1


def test_over_long_lines_are_never_paired_so_they_cost_nothing():
    """Issue 9's shape: one line of distinct words far over the limit against 1,600 short lines."""
    long_line = " ".join(f"w{i}" for i in range(words.MAX_LINE_CHARS))
    short = [f"w{j} short line" for j in range(1_600)]
    assert words.pairing_cost([long_line], short) == 0
    budget = words.Budget()
    assert pair_lines([long_line], short, budget) == []
    assert budget.pairing_chars == words.PAIRING_BUDGET_CHARS


def test_the_attack_of_issue_9_is_marked_in_a_blink():
    """It took 49 s; over-long lines are wholly changed without being split into words, so
    1,600 short lines against the long one cost about what one short line does (the fastest
    of three tries each, measured here: a ratio, whatever the machine's load)."""
    left = distinct_words(2_000_000)

    def fastest(right):
        return min(timed(lambda: changed(left, right))[1] for _ in range(3))

    reference = fastest("w0 short line 0\n")
    attack = fastest(SHORT_LINES)
    assert attack < 10 * reference, (attack, reference)
    assert changed(left, SHORT_LINES)[0] == ("delete", [("delete", left[:-1])])


def test_a_pair_too_costly_to_compare_word_by_word_is_wholly_changed_and_later_pairs_still_marked(monkeypatch):
    """``SequenceMatcher`` is quadratic at worst, so a pair costs tokens x tokens."""
    monkeypatch.setattr(words, "BUDGET_TOKEN_CELLS", 100)
    left = "a b c d e f g h i j k l\nfoo bar\n"
    right = "a b c d e f g h i j k m\nfoo baz\n"
    segments = [s for kind, s in changed(left, right) if kind == "add"]
    assert segments == [[("insert", "a b c d e f g h i j k m")], [("equal", "foo "), ("insert", "baz")]]
