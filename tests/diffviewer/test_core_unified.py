"""unified_diff: patch text that GNU patch applies to the left text to give the right one."""

import shutil
import subprocess
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.diffviewer.core import WHITESPACE_MODES, DiffOptions, diff_texts, unified_diff
from apps.diffviewer.core.unified import render

PATCH = shutil.which("patch")
needs_patch = pytest.mark.skipif(PATCH is None, reason="GNU patch is not installed")


def apply_patch(tmp_path, left: str, patch: str) -> str:
    """Run the real ``patch`` on a file holding ``left`` and return the result."""
    (tmp_path / "left").write_bytes(left.encode())
    (tmp_path / "diff").write_bytes(patch.encode())
    out = tmp_path / "out"
    run = subprocess.run(
        [PATCH, "--batch", "--silent", f"--output={out}", f"--input={tmp_path / 'diff'}", str(tmp_path / "left")],
        capture_output=True,
        timeout=30,
    )
    assert run.returncode == 0, (run.stdout + run.stderr).decode()
    return out.read_bytes().decode()


def test_the_patch_names_both_files_and_lists_each_hunk():
    patch = unified_diff("a\nb\nc\n", "a\nB\nc\n", left_name="a/x.py", right_name="b/x.py")
    assert patch == "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"


def test_default_names_are_a_and_b():
    assert unified_diff("x\n", "y\n").startswith("--- a\n+++ b\n")


def test_identical_texts_give_an_empty_patch():
    assert unified_diff("same\n", "same\n") == ""


def test_a_missing_final_newline_gets_the_marker():
    assert unified_diff("a", "b") == (
        "--- a\n+++ b\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
    )


def test_binary_texts_get_a_one_line_notice():
    assert unified_diff("\0a", "\0b", left_name="old.bin", right_name="new.bin") == (
        "Binary files old.bin and new.bin differ\n"
    )


def test_file_names_with_line_breaks_are_refused():
    with pytest.raises(ValueError, match="file names must not contain line breaks"):
        unified_diff("a", "b", left_name="evil\n+++ x")


def test_context_option_applies_to_the_patch():
    left = "".join(f"{i}\n" for i in range(20))
    patch = unified_diff(left, left.replace("10\n", "ten\n"), DiffOptions(context=1))
    assert "@@ -10,3 +10,3 @@" in patch


def test_ignoring_whitespace_can_leave_nothing_to_patch():
    assert unified_diff("a b\n", "a   b\n", DiffOptions(whitespace="amount")) == ""


@needs_patch
@pytest.mark.parametrize(
    "left, right",
    [
        ("", "new\nfile\n"),
        ("old\nfile\n", ""),
        ("a\r\nb\r\n", "a\r\nc\r\n"),
        ("a\rb", "a\rc"),
        ("last", "last\n"),
        ("last\n", "last"),
        ("cr at eof\r", "changed\r"),
        ("- minus\n+ plus\n\\ backslash\n--- dashes\n+++ pluses\n", "--- x\n+++ y\n-- z\n"),
        ("héllo wörld\n日本\n", "héllo world\n日本語\n"),
        ("trailing  \n\t\n", "trailing\n\n"),
    ],
)
def test_gnu_patch_turns_left_into_right(tmp_path, left, right):
    assert apply_patch(tmp_path, left, unified_diff(left, right)) == right


def text_lines():
    tricky = st.sampled_from(
        ["", "a", "b", "a b", " a", "a ", "\t", "-", "+", "-a", "+b", "\\ c", "--- a", "+++ b", "@@ -1 +1 @@", "é", "日本語", "x\ry", "\r"]
    )
    free = st.text(st.characters(exclude_characters="\n\0", exclude_categories=("Cs",)), max_size=6)
    return st.lists(st.tuples(st.one_of(tricky, free), st.sampled_from(["\n", "\r\n"])), max_size=12)


def join(lines, final_newline):
    text = "".join(body + ending for body, ending in lines)
    if lines and not final_newline:
        text = text[: -len(lines[-1][1])]
    return text


@st.composite
def text_pairs(draw):
    """A left text and a right text that is usually an edit of it, sometimes unrelated."""
    left = draw(text_lines())
    right = draw(text_lines()) if draw(st.integers(0, 4)) == 0 else list(left)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(right)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        if edit != "insert" and at < len(right):
            del right[at]
        if edit != "delete":
            right[at:at] = draw(text_lines())[:2]
    return join(left, draw(st.booleans())), join(right, draw(st.booleans()))


@needs_patch
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text_pairs(), st.sampled_from([0, 1, 3, None]))
def test_gnu_patch_applies_every_generated_diff_exactly(tmp_path, pair, context):
    """Byte for byte, whatever the line endings, final newlines, unicode or diff-like lines."""
    left, right = pair
    patch = unified_diff(left, right, DiffOptions(context=context))
    if left == right:
        assert patch == ""
    else:
        assert apply_patch(tmp_path, left, patch) == right


def function_lines():
    """Lines libgit2 takes as hunk-header context, cut at 80 bytes, maybe inside a character."""
    return st.sampled_from(
        ["def f():", "def g():  \t", "class C: \r", "a" * 79 + "é", "aé" * 45, "日本" * 20, "x\ud800", "_" + "\ud800" * 30, "$ \u00a0"]
    )


def any_lines():
    free = st.text(st.characters(exclude_characters="\n\0"), max_size=6)  # lone surrogates too
    body = st.one_of(function_lines(), free, st.sampled_from(["", " ", "\r", "a\r", "  x  ", "-", "\\ c"]))
    return st.lists(st.tuples(body, st.sampled_from(["\n", "\r\n", "\r\n", "\n"])), max_size=16)


@st.composite
def varied_pairs(draw):
    left = draw(any_lines())
    right = list(left)
    for _ in range(draw(st.integers(0, 5))):
        at = draw(st.integers(0, len(right)))
        if at < len(right) and draw(st.booleans()):
            del right[at]
        else:
            right[at:at] = draw(any_lines())[:3]
    return join(left, draw(st.booleans())), join(right, draw(st.booleans()))


@settings(max_examples=600, deadline=None)
@given(
    varied_pairs(),
    st.builds(
        DiffOptions,
        context=st.sampled_from([0, 1, 3, None]),
        whitespace=st.sampled_from(list(WHITESPACE_MODES)),
        ignore_blank_lines=st.booleans(),
        word_diff=st.booleans(),
    ),
)
def test_the_patch_is_what_render_makes_of_the_plain_diff(pair, opts):
    """unified_diff may take libgit2's text, but only where it is render's text, byte for byte."""
    left, right = pair
    plain = replace(opts, word_diff=False)
    assert unified_diff(left, right, opts, "old", "new") == render(diff_texts(left, right, plain), "old", "new")


@pytest.mark.parametrize("function", ["a" + "é" * 45, "def \ud800():", "日本" * 30 + "x"])
def test_hunk_headers_with_long_or_broken_function_lines_are_the_plain_diffs(function):
    """A lone surrogate in a header is U+FFFD, as the JSON API and the page show it."""
    left = "".join(f"{function}{k}\n" + "".join(f"    body {k} {i}\n" for i in range(6)) for k in range(3))
    right = left.replace("    body 1 4\n", "    changed\n")
    patch = unified_diff(left, right)
    assert patch == render(diff_texts(left, right, DiffOptions(word_diff=False)))
    assert ("\ufffd" in patch) == ("\ud800" in function)
