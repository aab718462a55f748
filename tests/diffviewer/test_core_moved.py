"""Moved code: blocks of removed lines that come back as added lines, by git's --color-moved rule."""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.diffviewer.core import DiffOptions, diff_texts, moved
from apps.diffviewer.core.align import hunk_fields
from apps.diffviewer.core.compute import diff_json
from apps.diffviewer.core.model import Hunk, Line
from apps.diffviewer.core.moved import Budget, find_moved, mark_moved
from tests.waiting import timed

HELPER = "def helper(alpha, beta):\n    return alpha * beta + 12345\n"
MAIN = "x = 1\ny = 2\n"


def moved_lines(left, right, opts=DiffOptions()):
    """(kind, own line number, text, moved) of every moved line of the diff."""
    return [
        (line.kind, line.old_no or line.new_no, line.text, line.moved)
        for hunk in diff_texts(left, right, opts).hunks
        for line in hunk.lines
        if line.moved is not None
    ]


def hunks(*lines):
    """One hunk of ``("-" or "+" or " ", text)`` lines, numbered from 1 on each side."""
    made, old, new = [], 1, 1
    for sign, text in lines:
        kind = {"-": "delete", "+": "add", " ": "context"}[sign]
        made.append(Line(kind, old if sign != "+" else None, new if sign != "-" else None, text))
        old += sign != "+"
        new += sign != "-"
    return [Hunk(1, old - 1, 1, new - 1, "", made)]


# ---- the rule -----------------------------------------------------------------------------

def test_a_function_moved_down_the_file_is_marked_on_both_sides_with_its_counterpart():
    assert moved_lines(HELPER + MAIN, MAIN + HELPER) == [
        ("delete", 1, "def helper(alpha, beta):", (1, 0, 3)),
        ("delete", 2, "    return alpha * beta + 12345", (1, 0, 4)),
        ("add", 3, "def helper(alpha, beta):", (2, 0, 1)),
        ("add", 4, "    return alpha * beta + 12345", (2, 0, 2)),
    ]


def test_a_function_moved_into_a_class_still_counts_though_reindented():
    """git's --color-moved-ws=allow-indentation-change: the whole block shifted alike."""
    indented = "class Box:\n" + "".join("    " + line + "\n" for line in HELPER.splitlines())
    assert [(kind, number, moved) for kind, number, _, moved in moved_lines(HELPER + MAIN, MAIN + indented)] == [
        ("delete", 1, (1, 0, 4)), ("delete", 2, (1, 0, 5)), ("add", 4, (2, 0, 1)), ("add", 5, (2, 0, 2)),
    ]


def test_a_block_whose_lines_shift_by_different_amounts_is_not_one_block():
    left = "first_long_name = compute_something(1)\nsecond_long_name = compute_other(2)\n" + MAIN
    right = MAIN + "first_long_name = compute_something(1)\n        second_long_name = compute_other(2)\n"
    marks = moved_lines(left, right)
    assert {block for *_, (block, _, _) in marks} == {1, 2, 3, 4}  # each line a block of its own


@pytest.mark.parametrize("indents, blocks", [
    (("        ", "        "), 2),  # a tab is 8 columns: nothing shifted, one block each side
    (("  \t", "\t"), 2),  # to the next multiple of 8: "  \t" is 8 columns too
    (("          ", "\t  "), 2),  # both shifted by 2
    (("    \t", "            "), 4),  # 8 and 12 columns: two shifts, a block per line
])
def test_tabs_count_to_the_next_multiple_of_eight_columns(indents, blocks):
    left = "\tvalue_one = compute(alpha)\n\tvalue_two = compute(beta_2)\n" + MAIN
    right = MAIN + f"{indents[0]}value_one = compute(alpha)\n{indents[1]}value_two = compute(beta_2)\n"
    assert len({block for *_, (block, _, _) in moved_lines(left, right)}) == blocks


@pytest.mark.parametrize("text, counts", [
    ("abcdefghij\n0123456789\n", True),  # 20 letters and digits in the block
    ("abcdefghij\n012345678\n", False),  # 19
    ("(((abcdefghij)))\n{[0123456789]};\n", True),  # punctuation does not count, nor stop it
    ("éééééééééééééééééééééééé\n", False),  # ASCII letters and digits only, as git counts bytes
    ("}\n}\n}\n}\n", False),
])
def test_a_block_counts_when_it_has_twenty_letters_and_digits(text, counts):
    assert bool(moved_lines(text + MAIN, MAIN + text)) is counts


def test_blank_lines_never_move_alone_but_belong_to_a_block_they_are_in():
    assert moved_lines("\n\n\n" + MAIN, MAIN + "\n\n\n") == []
    block = "def first_function():\n\n    return first_value\n"
    marks = moved_lines(block + MAIN, MAIN + "    " + block.replace("\n    ", "\n        "))
    assert [(kind, text) for kind, _, text, _ in marks] == [
        ("delete", "def first_function():"), ("delete", ""), ("delete", "    return first_value"),
        ("add", "    def first_function():"), ("add", ""), ("add", "        return first_value"),
    ]


def test_a_short_block_is_searched_again_from_its_second_line():
    """"} end" matches first and is too short to count (3 letters), so the search starts again
    at "end", whose block with the next line, found elsewhere, has 22; as git does. Alone,
    neither "end" nor the long line (19) would count."""
    found = find_moved([("", hunks(
        ("-", "}"), ("-", "end"), ("-", "long_enough_name_here = 1"), (" ", "keep"),
        ("+", "}"), ("+", "end"), (" ", "keep"),
        ("+", "end"), ("+", "long_enough_name_here = 1"),
    ))])
    assert sorted(found) == [(0, 0, 1), (0, 0, 2), (0, 0, 7), (0, 0, 8)]


def test_the_counterpart_is_the_first_run_that_matched_the_whole_block():
    copy = "duplicated_line_number_one()\nduplicated_line_number_two()\n"
    left = copy + MAIN
    right = MAIN + "other()\n" + copy + "between()\n" + copy
    deleted = [m for kind, _, _, m in moved_lines(left, right) if kind == "delete"]
    assert [number for _, _, number in deleted] == [4, 5]


def test_moves_across_files_name_the_other_file():
    """A patch's files are given together: the function left one file for another."""
    old_file = hunks(("-", "def helper(alpha, beta):"), ("-", "    return alpha * beta"), (" ", "x = 1"))
    new_file = hunks((" ", "y = 2"), ("+", "def helper(alpha, beta):"), ("+", "    return alpha * beta"))
    first, second = mark_moved([("a.py", old_file), ("b.py", new_file)])
    assert [line.moved for line in first[0].lines] == [(1, 1, 2), (1, 1, 3), None]
    assert [line.moved for line in second[0].lines] == [None, (2, 0, 1), (2, 0, 2)]


def test_word_marks_and_every_other_field_are_kept():
    left, right = "a b\n" + HELPER + MAIN, "a c\n" + MAIN + HELPER
    with_moves = diff_texts(left, right)
    without = diff_texts(left, right, DiffOptions(moved=False))
    unmarked = [[replace(line, moved=None) for line in hunk.lines] for hunk in with_moves.hunks]
    assert unmarked == [hunk.lines for hunk in without.hunks]
    assert any(line.moved for hunk in with_moves.hunks for line in hunk.lines)
    assert any(line.segments for hunk in with_moves.hunks for line in hunk.lines if line.moved)


def test_turned_off_no_line_is_marked():
    assert moved_lines(HELPER + MAIN, MAIN + HELPER, DiffOptions(moved=False)) == []


def test_the_json_written_from_tuples_marks_the_same_lines():
    left, right = HELPER + MAIN + "z = 3\n", MAIN + HELPER + "z = 4\n"
    for opts in (DiffOptions(), DiffOptions(word_diff=False), DiffOptions(context=None, word_diff=False)):
        assert diff_json(left, right, opts) == diff_texts(left, right, opts).to_json()
        tuples = hunk_fields(left, right, opts)
        assert find_moved([("", tuples)]) == find_moved([("", diff_texts(left, right, opts).hunks)])


def test_a_crlf_line_moves_only_with_crlf_lines_and_a_missing_final_newline_does_not_matter():
    text = "value_one = compute(alpha)\nvalue_two = compute(beta_2)"
    assert moved_lines(text + "\n" + MAIN, MAIN + text)
    assert not moved_lines(text.replace("\n", "\r\n") + "\r\n" + MAIN, MAIN + text + "\n")


# ---- bounded work -------------------------------------------------------------------------

def repeated_move(line, count):
    """``count`` copies of ``line`` removed at the top and added past 3,000 other lines."""
    others = "".join(f"line_{i} = value({i})\n" for i in range(3_000))
    return line * count + others, others + line * count


@pytest.mark.parametrize("line", ["value = compute(alpha, beta, gamma)\n", "}\n", "\n"])
def test_identical_repeated_lines_cost_a_few_steps_per_line(line):
    """git follows every copy at every line: 40,000 identical lines moved would be 1.6 billion
    checks. Here the work stops growing with the copies once the budget is spent."""
    diff = diff_texts(*repeated_move(line, 20_000), DiffOptions(moved=False))
    changed = diff.stats.added + diff.stats.deleted
    budget = Budget.for_lines(changed)
    found = find_moved([("", diff.hunks)], budget)
    assert budget.exhausted
    assert budget.spent <= (moved.STEPS_PER_LINE + moved.CHEAP_CANDIDATES + 3) * changed
    if line.strip() != "}" and line.strip():
        assert len(found) == changed  # still found, cheaply


def test_a_hostile_move_takes_about_what_an_ordinary_one_does():
    """20,000 identical lines moved against 20,000 distinct ones (fastest of three, a ratio
    whatever the machine's load)."""
    hostile = diff_texts(*repeated_move("value = compute(alpha, beta, gamma)\n", 20_000), DiffOptions(moved=False))
    distinct = "".join(f"value_{i} = compute(alpha, beta, {i})\n" for i in range(20_000))
    ordinary = diff_texts(*repeated_move(distinct, 1), DiffOptions(moved=False))

    def fastest(diff):
        return min(timed(lambda: find_moved([("", diff.hunks)]))[1] for _ in range(3))

    assert fastest(hostile) < 10 * fastest(ordinary)


def test_a_small_budget_still_ends_with_every_block_well_formed():
    diff = diff_texts(*repeated_move("value = compute(alpha, beta, gamma)\n", 2_000), DiffOptions(moved=False))
    found = find_moved([("", diff.hunks)], Budget(10))
    lines = {(0, h, i): line for h, hunk in enumerate(diff.hunks) for i, line in enumerate(hunk.lines)}
    by_number = {(line.kind, line.old_no or line.new_no): line for line in lines.values()}
    assert found
    for where, (_, other_file, number) in found.items():
        line = lines[where]
        other = by_number[("add" if line.kind == "delete" else "delete", number)]
        assert other_file == 0 and other.text == line.text


# ---- the same as git ----------------------------------------------------------------------

GIT = shutil.which("git")
ESCAPE = re.compile(r"\x1b\[([0-9;]*)m")
LEADING_ESCAPES = re.compile(r"(?:\x1b\[[0-9;]*m)*")
HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
#: The colour each kind of line is given below: (kind, moved, alternate block).
COLOURS = {"31": ("delete", False, 0), "32": ("add", False, 0), "35": ("delete", True, 0),
           "34": ("delete", True, 1), "36": ("add", True, 0), "33": ("add", True, 1)}


def git_diff(tmp: Path, old: dict, new: dict) -> str:
    for side, files in (("a", old), ("b", new)):
        (tmp / side).mkdir()
        for name, text in files.items():
            (tmp / side / name).write_bytes(text.encode())
    colours = {"old": "red", "new": "green", "oldMoved": "magenta", "oldMovedAlternative": "blue",
               "newMoved": "cyan", "newMovedAlternative": "yellow"}
    config = [arg for name, colour in colours.items() for arg in ("-c", f"color.diff.{name}={colour}")]
    run = subprocess.run(
        [GIT, *config, "diff", "--no-index", "--no-ext-diff", "--color=always", "--ws-error-highlight=none",
         "--color-moved=zebra", "--color-moved-ws=allow-indentation-change", "a", "b"],
        cwd=tmp, capture_output=True, env={"PATH": os.environ["PATH"], "HOME": str(tmp), "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert run.returncode == 1, run.stderr
    return run.stdout.decode()


def read_coloured(output: str):
    """git's coloured diff as ``(path, hunks)`` per file, and (moved, alternate) per changed line."""
    files, marks = [], []
    for raw in output.split("\n"):  # not splitlines: a CR is part of a line
        codes = ESCAPE.findall(LEADING_ESCAPES.match(raw)[0])
        plain = ESCAPE.sub("", raw)
        if plain.startswith("diff --git"):
            files.append([])
        elif (header := HUNK_HEADER.match(plain)) and files:
            files[-1].append([int(header[1]), int(header[2]), []])
        elif files and files[-1] and plain and plain[0] in " -+\\":
            old, new, lines = files[-1][-1]
            sign, text = plain[:1], plain[1:]
            if sign == "\\":
                continue
            cr = text.endswith("\r")
            text = text[:-1] if cr else text
            kind = {" ": "context", "-": "delete", "+": "add"}[sign]
            lines.append(Line(kind, old if sign != "+" else None, new if sign != "-" else None, text, None, False, cr))
            files[-1][-1][:2] = old + (sign != "+"), new + (sign != "-")
            if sign != " ":
                colour = [COLOURS[code] for code in codes if code in COLOURS][-1]
                marks.append(colour[1:])
    return [("", [Hunk(0, 0, 0, 0, "", lines) for _, _, lines in hunks]) for hunks in files], marks


def ours_as_git_shows_it(files):
    """(moved, block) per changed line, and where a block ends within a run of moved lines."""
    found = find_moved(files)
    return [found.get((f, h, i)) for f, (_, hunks) in enumerate(files) for h, hunk in enumerate(hunks)
            for i, line in enumerate(hunk.lines) if line.kind != "context"]


VOCABULARY = [f"value_{i} = compute(alpha_{i}, beta_{i})" for i in range(5)] + ["}", "", "x = 1", "end"]
lines = st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(["", "    ", "\t", "        "])), max_size=20)


@st.composite
def changed_files(draw):
    """Two files, each edited by moves (some re-indented), insertions and deletions, and a
    block moved from the first into the second; lines end in LF or CRLF."""
    old = [[indent + text if text else text for text, indent in draw(lines)] for _ in range(2)]
    new = [list(file) for file in old]
    for file in new:
        for _ in range(draw(st.integers(0, 3))):
            if len(file) < 2:
                break
            start = draw(st.integers(0, len(file) - 1))
            chunk = file[start : start + draw(st.integers(1, 6))]
            del file[start : start + len(chunk)]
            shift = draw(st.sampled_from(["", "", "    ", "\t"]))
            at = draw(st.integers(0, len(file)))
            file[at:at] = [shift + line if line else line for line in chunk]
        if file and draw(st.booleans()):
            del file[draw(st.integers(0, len(file) - 1))]
        file.insert(draw(st.integers(0, len(file))), draw(st.sampled_from(VOCABULARY)))
    if len(new[0]) > 3 and draw(st.booleans()):
        new[1].extend(new[0][:3])
        del new[0][:3]
    crlf = draw(st.booleans())

    def text(file):
        return "".join(line + ("\r\n" if crlf and i % 3 == 0 else "\n") for i, line in enumerate(file))

    return {f"f{i}.py": text(file) for i, file in enumerate(old)}, {f"f{i}.py": text(file) for i, file in enumerate(new)}


@pytest.mark.skipif(GIT is None, reason="needs git")
@settings(max_examples=150, deadline=None)
@given(changed_files())
def test_the_same_lines_move_in_the_same_blocks_as_git_says(sides):
    """git diff --color-moved=zebra --color-moved-ws=allow-indentation-change colours moved
    lines, alternating colours where one block follows another: the same lines are moved, and
    a block ends where git starts the other colour."""
    old, new = sides
    if old == new:
        return
    with tempfile.TemporaryDirectory(prefix="moved-") as tmp:
        files, git_marks = read_coloured(git_diff(Path(tmp), old, new))
    ours = ours_as_git_shows_it(files)
    assert [moved for moved, _ in git_marks] == [mark is not None for mark in ours]
    for k in range(1, len(ours)):
        if ours[k] and ours[k - 1] and git_marks[k][0] and git_marks[k - 1][0]:
            same_run = _same_run(files, k)
            if same_run:
                assert (ours[k][0] != ours[k - 1][0]) == (git_marks[k][1] != git_marks[k - 1][1])


def _same_run(files, k):
    """Whether changed lines k-1 and k are adjacent lines of one kind in one hunk."""
    flat = [(f, h, i, line.kind) for f, (_, hunks) in enumerate(files) for h, hunk in enumerate(hunks)
            for i, line in enumerate(hunk.lines) if line.kind != "context"]
    (f0, h0, i0, k0), (f1, h1, i1, k1) = flat[k - 1], flat[k]
    return (f0, h0, k0) == (f1, h1, k1) and i1 == i0 + 1
