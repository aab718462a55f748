"""diff_texts: two texts in, hunks of numbered lines and stats out."""

import ast
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.diffviewer import core
from apps.diffviewer.core import Diff, DiffOptions, Hunk, Line, Stats, diff_texts

NO_WORDS = DiffOptions(word_diff=False)


def numbered(n):
    """n indented lines, so git's guess of a function name leaves the hunk headers bare."""
    return "".join(f"  line {i}\n" for i in range(1, n + 1))


def old_side(diff):
    return "".join(l.text + l.eol for h in diff.hunks for l in h.lines if l.kind != "add")


def new_side(diff):
    return "".join(l.text + l.eol for h in diff.hunks for l in h.lines if l.kind != "delete")


def test_the_core_imports_no_web_framework():
    """Checked on the source, so it holds whatever the enclosing app package imports."""
    forbidden = {"werkzeug", "flask", "django", "genshi", "jinja2"}
    for path in Path(core.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            assert not {n.split(".")[0].lower() for n in names} & forbidden, path.name


def test_a_changed_line_gives_one_hunk_with_three_lines_of_context():
    left = numbered(10)
    right = left.replace("line 5\n", "line five\n")
    diff = diff_texts(left, right, NO_WORDS)
    assert diff.stats == Stats(added=1, deleted=1, hunks=1, identical=False)
    assert not diff.binary
    [hunk] = diff.hunks
    assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (2, 7, 2, 7)
    assert hunk.header == "@@ -2,7 +2,7 @@"
    assert [(l.kind, l.old_no, l.new_no, l.text) for l in hunk.lines] == [
        ("context", 2, 2, "  line 2"),
        ("context", 3, 3, "  line 3"),
        ("context", 4, 4, "  line 4"),
        ("delete", 5, None, "  line 5"),
        ("add", None, 5, "  line five"),
        ("context", 6, 6, "  line 6"),
        ("context", 7, 7, "  line 7"),
        ("context", 8, 8, "  line 8"),
    ]


def test_identical_texts_have_no_hunks():
    diff = diff_texts("same\n", "same\n")
    assert diff == Diff(hunks=[], stats=Stats(0, 0, 0, identical=True), binary=False)


def test_far_apart_changes_make_separate_hunks():
    left = numbered(40)
    right = left.replace("  line 3\n", "").replace("  line 30\n", "  line 30\n  new\n")
    diff = diff_texts(left, right)
    assert diff.stats == Stats(added=1, deleted=1, hunks=2, identical=False)
    assert [h.header for h in diff.hunks] == ["@@ -1,6 +1,5 @@", "@@ -28,6 +27,7 @@"]


def test_hunk_header_names_the_enclosing_function_like_git():
    """git's default guess: the nearest line above the hunk that starts with a letter."""
    left = "def f():\n" + "".join(f"    x{i} = {i}\n" for i in range(9))
    right = left.replace("x6 = 6", "x6 = 60")
    assert diff_texts(left, right).hunks[0].header == "@@ -5,6 +5,6 @@ def f():"


def test_context_zero_shows_only_the_changes():
    diff = diff_texts(numbered(10), numbered(10).replace("line 5", "LINE 5"), DiffOptions(context=0))
    assert [l.kind for l in diff.hunks[0].lines] == ["delete", "add"]


def test_context_none_shows_every_line_in_one_hunk():
    left = numbered(100)
    right = left.replace("line 50\n", "line 50 changed\n")
    diff = diff_texts(left, right, DiffOptions(context=None))
    assert len(diff.hunks) == 1
    assert old_side(diff) == left and new_side(diff) == right


def test_a_huge_context_is_the_whole_file_too():
    left = numbered(10)
    diff = diff_texts(left, left.replace("line 5", "LINE 5"), DiffOptions(context=10**12))
    assert old_side(diff) == left


def test_ignoring_all_whitespace_hides_whitespace_only_changes():
    diff = diff_texts("a b\nc\n", "a  b\n c\n", DiffOptions(whitespace="all"))
    assert diff.hunks == [] and diff.stats == Stats(0, 0, 0, identical=False)


def test_ignoring_all_whitespace_also_ignores_added_or_removed_spaces():
    assert diff_texts("ab\n", "a b\n", DiffOptions(whitespace="all")).hunks == []
    assert diff_texts("ab\n", "a b\n", DiffOptions(whitespace="amount")).hunks != []


def test_ignoring_the_amount_of_whitespace_still_sees_new_whitespace_runs():
    assert diff_texts("a b\n", "a \t b\n", DiffOptions(whitespace="amount")).hunks == []
    assert diff_texts("a b\n", "a \t b\n", DiffOptions(whitespace="eol")).hunks != []


def test_ignoring_whitespace_at_eol_only_ignores_trailing_whitespace():
    assert diff_texts("a\nb\n", "a  \nb\t\n", DiffOptions(whitespace="eol")).hunks == []
    assert diff_texts("a\nb\n", " a\nb\n", DiffOptions(whitespace="eol")).hunks != []


def test_context_lines_show_the_right_text_when_whitespace_is_ignored():
    diff = diff_texts("a  \nb\n", "a\nB\n", DiffOptions(whitespace="eol"))
    assert [(l.kind, l.text) for l in diff.hunks[0].lines] == [("context", "a"), ("delete", "b"), ("add", "B")]


def test_ignore_blank_lines_hides_added_blank_lines():
    assert diff_texts("a\nb\n", "a\n\n\nb\n", DiffOptions(ignore_blank_lines=True)).hunks == []
    assert diff_texts("a\nb\n", "a\n\n\nb\n").stats.added == 2


def test_a_nul_byte_on_either_side_makes_the_diff_binary():
    for left, right in [("a\0b", "a"), ("text\n", "\0"), ("\0x", "\0y")]:
        diff = diff_texts(left, right)
        assert diff.binary and diff.hunks == []
        assert diff.stats == Stats(0, 0, 0, identical=False)


def test_identical_binary_texts_are_binary_and_identical():
    diff = diff_texts("\0\1", "\0\1")
    assert diff.binary and diff.stats.identical


def test_crlf_is_stripped_from_the_text_and_remembered():
    [hunk] = diff_texts("a\r\nb\r\n", "a\r\nc\r\n").hunks
    assert [(l.text, l.cr, l.eol) for l in hunk.lines] == [
        ("a", True, "\r\n"),
        ("b", True, "\r\n"),
        ("c", True, "\r\n"),
    ]


def test_a_lone_carriage_return_does_not_end_a_line():
    """Like git and GNU patch, only "\\n" ends a line; "\\r" inside one is text."""
    [hunk] = diff_texts("a\rb\n", "a\rc\n").hunks
    assert [l.text for l in hunk.lines] == ["a\rb", "a\rc"]


def test_a_missing_final_newline_is_flagged_on_the_last_line():
    [hunk] = diff_texts("a\nb", "a\nb\n").hunks
    assert [(l.kind, l.text, l.no_newline_at_end) for l in hunk.lines] == [
        ("context", "a", False),
        ("delete", "b", True),
        ("add", "b", False),
    ]


def test_one_side_empty():
    diff = diff_texts("", "x\ny\n")
    assert diff.stats == Stats(added=2, deleted=0, hunks=1, identical=False)
    assert (diff.hunks[0].old_start, diff.hunks[0].old_count) == (0, 0)
    assert diff_texts("x\ny\n", "").stats == Stats(added=0, deleted=2, hunks=1, identical=False)


def test_unicode_and_lone_surrogates_round_trip():
    """Texts decoded with surrogateescape still diff, and come back unchanged."""
    left, right = "héllo\n日本\n\udcff\n", "héllo\n日本語\n\udcff\n"
    diff = diff_texts(left, right, DiffOptions(context=None))
    assert old_side(diff) == left and new_side(diff) == right


def test_to_dict_is_plain_json():
    diff = diff_texts("a\nfoo bar\n", "a\nfoo baz\n")
    data = json.loads(json.dumps(diff.to_dict()))
    assert data["stats"] == {"added": 1, "deleted": 1, "hunks": 1, "identical": False}
    assert data["binary"] is False
    assert data["hunks"][0]["lines"][1] == {
        "kind": "delete",
        "old_no": 2,
        "new_no": None,
        "text": "foo bar",
        "segments": [["equal", "foo "], ["delete", "bar"]],
        "no_newline_at_end": False,
        "cr": False,
        "moved": None,
    }


def test_results_are_plain_dataclasses():
    diff = diff_texts("a\n", "b\n")
    assert isinstance(diff.hunks[0], Hunk) and isinstance(diff.hunks[0].lines[0], Line)


lines = st.lists(st.sampled_from(["a", "b", "c", "", " a", "a ", "é", "x\ry"]), max_size=15)
endings = st.sampled_from(["\n", "\r\n"])


@st.composite
def texts(draw):
    body = [line + draw(endings) for line in draw(lines)]
    if body and draw(st.booleans()):
        body[-1] = body[-1].rstrip("\n")
    return "".join(body)


@settings(max_examples=150, deadline=None)
@given(texts(), texts())
def test_whole_file_diff_replays_both_texts_exactly(left, right):
    """With context=None the old side of the hunks is left and the new side is right."""
    diff = diff_texts(left, right, DiffOptions(context=None))
    if left == right:
        assert diff.hunks == []
        return
    assert old_side(diff) == left and new_side(diff) == right
    assert diff.stats.added == sum(l.kind == "add" for h in diff.hunks for l in h.lines)
    for hunk in diff.hunks:
        old_nos = [l.old_no for l in hunk.lines if l.kind != "add"]
        new_nos = [l.new_no for l in hunk.lines if l.kind != "delete"]
        assert old_nos == list(range(hunk.old_start, hunk.old_start + hunk.old_count))
        assert new_nos == list(range(hunk.new_start, hunk.new_start + hunk.new_count))


@pytest.mark.parametrize(
    "left, right, opts",
    [
        ("a\nb\n", "a\nc\n", DiffOptions()),
        ('é"\\\t\x01\u2028x\r\ny', 'x\r\n"\\\x7f\U0001f600', DiffOptions()),
        ("".join(f"{i} = f({i})\n" for i in range(300)), "".join(f"{i} = g({i})\n" for i in range(0, 300, 2)),
         DiffOptions(context=None, word_diff=False)),
        ("same\n", "same\n", DiffOptions()),
        ("a\0", "b", DiffOptions()),
    ],
)
def test_to_json_is_exactly_json_dumps_of_to_dict(left, right, opts):
    diff = diff_texts(left, right, opts)
    assert diff.to_json() == json.dumps(diff.to_dict(), ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_to_json_matches_json_dumps_on_any_text(left, right):
    diff = diff_texts(left, right)
    assert diff.to_json() == json.dumps(diff.to_dict(), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(
    texts(),
    texts(),
    st.builds(
        DiffOptions,
        context=st.sampled_from([0, 1, 3, None]),
        whitespace=st.sampled_from(list(core.WHITESPACE_MODES)),
        ignore_blank_lines=st.booleans(),
        word_diff=st.booleans(),
    ),
)
def test_diff_json_is_the_diffs_to_json(left, right, opts):
    """diff_json skips making Lines when it can; the JSON is the same, stats included."""
    assert core.diff_json(left, right, opts) == json.dumps(diff_texts(left, right, opts).to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("left, right", [("same\n", "same\n"), ("a\0", "b"), ("a \n", "a\n"), ("x\ud800\n", "y\udfff")])
def test_diff_json_of_identical_binary_ignored_or_surrogate_texts(left, right):
    opts = DiffOptions(word_diff=False, whitespace="all")
    assert core.diff_json(left, right, opts) == diff_texts(left, right, opts).to_json()
