"""core.patch reads patches as git does: every corpus patch agrees with ``git apply --numstat``.

The corpus (tests/diffviewer/patches/) was made by real git and GNU diff: a git diff with a
rename, a copy, a mode change, a deletion, an addition and binaries (both ``Binary files …
differ`` and ``GIT binary patch``), a two-mail ``format-patch --stdout`` series, ``diff -ru``
with ``Only in`` lines and a file without a final newline, ``diff -ruN`` (new and deleted
files), a git diff with a C-quoted non-ASCII path, a pure rename and CRLF file content, and a
``diff -u`` whose whole text has CRLF line ends.
"""

import re
import subprocess
from pathlib import Path

import pygit2

import pytest

from apps.diffviewer.core.patch import NoChanges, PatchError, parse_patch

CORPUS = Path(__file__).parent / "patches"
PATCHES = sorted(CORPUS.iterdir())
PYGIT2_UNREADABLE = "git-quoted-pure-rename-crlf-content.diff"  # see the test below
GIT_FORMAT = [path for path in PATCHES if path.name.startswith("git-") and path.name != PYGIT2_UNREADABLE]


def read(name):
    return (CORPUS / name).read_bytes().decode("utf-8")


def numstat(path, cwd):
    """``git apply --numstat -z`` of ``path`` as ``[(added, deleted, path)]``; binaries count -1."""
    out = subprocess.run(["git", "apply", "--numstat", "-z", str(path)], cwd=cwd, capture_output=True, check=True).stdout
    rows = []
    for record in out.decode("utf-8").split("\0"):
        if record:
            added, deleted, name = record.split("\t", 2)
            rows.append((-1 if added == "-" else int(added), -1 if deleted == "-" else int(deleted), name))
    return rows


def counted(file):
    if file.binary:
        return (-1, -1, file.path)
    return (file.additions, file.deletions, file.path)


def test_the_corpus_has_every_format():
    names = {path.name for path in PATCHES}
    assert {"git-rename-copy-mode-binary.diff", "format-patch-series.mbox", "diff-ru-only-in.diff",
            "diff-u-crlf-patch-no-eol.diff"} <= names


@pytest.mark.parametrize("path", PATCHES, ids=lambda path: path.name)
def test_every_corpus_patch_agrees_with_git_apply_numstat(path, tmp_path):
    patch = parse_patch(path.read_bytes().decode("utf-8"))
    assert [counted(file) for file in patch.files] == numstat(path, tmp_path)
    assert patch.totals["files"] == len(patch.files)


@pytest.mark.parametrize("path", GIT_FORMAT, ids=lambda path: path.name)
def test_git_format_agrees_with_pygit2(path):
    text = path.read_bytes().decode("utf-8")
    ours = parse_patch(text).files
    theirs = list(pygit2.Diff.parse_diff(text))
    assert len(ours) == len(theirs)
    status = {"A": "added", "D": "deleted", "M": "modified", "R": "renamed", "C": "copied"}
    for file, other in zip(ours, theirs):
        delta = other.delta
        assert file.status == status[delta.status_char()]
        assert file.binary == delta.is_binary
        assert file.path == (delta.old_file.path if file.status == "deleted" else delta.new_file.path)
        if file.status in ("renamed", "copied"):
            assert (file.old_path, file.similarity) == (delta.old_file.path, delta.similarity)
        if not file.binary:
            _, additions, deletions = other.line_stats
            assert (file.additions, file.deletions) == (additions, deletions)


def test_pygit2_cannot_read_every_git_patch_that_git_applies():
    """Why core.patch is its own parser: libgit2 refuses a header-only pure rename git applies."""
    with pytest.raises(pygit2.GitError):
        pygit2.Diff.parse_diff(read(PYGIT2_UNREADABLE))


def test_git_diff_metadata():
    files = {file.path: file for file in parse_patch(read("git-rename-copy-mode-binary.diff")).files}
    assert (files["compute.py"].old_path, files["compute.py"].status, files["compute.py"].similarity) == ("calc.py", "renamed", 98)
    assert (files["notes-copy.txt"].old_path, files["notes-copy.txt"].status) == ("notes.txt", "copied")
    assert (files["run.sh"].old_mode, files["run.sh"].new_mode, files["run.sh"].hunks) == ("100644", "100755", [])
    assert (files["added.txt"].status, files["added.txt"].old_path, files["added.txt"].new_mode) == ("added", None, "100644")
    assert (files["gone.txt"].status, files["gone.txt"].new_path, files["gone.txt"].old_mode) == ("deleted", None, "100644")
    assert files["logo.bin"].binary and files["new.bin"].binary and files["new.bin"].status == "added"


def test_hunk_lines_have_numbers_and_kinds():
    file = parse_patch(read("git-rename-copy-mode-binary.diff")).files[1]
    hunk = file.hunks[0]
    assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (8, 7, 8, 7)
    assert hunk.header == "@@ -8,7 +8,7 @@ def function_2(value):"
    changed = [(line.kind, line.old_no, line.new_no, line.text) for line in hunk.lines if line.kind != "context"]
    assert changed == [
        ("delete", 11, None, "    return value * 3 + 9  # computed"),
        ("add", None, 11, "    return value * 33 + 9  # computed"),
    ]


def test_no_newline_at_end_of_file_marks_its_line():
    file = next(f for f in parse_patch(read("diff-ru-only-in.diff")).files if f.path == "src/tail.txt")
    lines = file.hunks[0].lines
    assert [(line.kind, line.text, line.no_newline_at_end) for line in lines] == [
        ("context", "one", False), ("delete", "two", True), ("add", "two", False),
    ]


def test_format_patch_mails_become_commits():
    patch = parse_patch(read("format-patch-series.mbox"))
    first, second = patch.commits
    assert first.author == "Ada Lovelace <a@b.c>"
    assert first.subject == "[PATCH 1/2] second: rename, copy, mode, binary"
    assert first.message == "A body paragraph explaining why.\nWith Ünïcode."
    assert second.subject == "[PATCH 2/2] Subject with =?utf-8 é accent: grow added.txt"
    assert [file.commit for file in patch.files] == [0] * 8 + [1]


def test_only_in_lines_are_kept_apart_from_files():
    patch = parse_patch(read("diff-ru-only-in.diff"))
    assert patch.only_in == [("old", "docs"), ("new", "extra")]
    assert [file.path for file in patch.files] == ["same.txt", "src/main.c", "src/tail.txt"]


def test_diff_N_files_from_and_to_nothing_are_added_and_deleted():
    files = parse_patch(read("diff-ruN-new-and-deleted.diff")).files
    assert [(f.old_path, f.new_path, f.status) for f in files] == [(None, "fresh.txt", "added"), ("old.txt", None, "deleted")]


def test_crlf_patches_keep_their_carriage_returns_out_of_the_text():
    whole = parse_patch(read("diff-u-crlf-patch-no-eol.diff")).files[0]
    assert (whole.old_path, whole.new_path) == ("p1.txt", "p2.txt")
    assert [(line.text, line.cr) for line in whole.hunks[0].lines][:2] == [("alpha", True), ("beta", True)]
    assert whole.hunks[0].lines[-1].no_newline_at_end
    content = next(f for f in parse_patch(read("git-quoted-pure-rename-crlf-content.diff")).files if f.path == "win.txt")
    assert [(line.text, line.cr) for line in content.hunks[0].lines] == [("win", True), ("line", True), ("LINE", True)]


def test_quoted_paths_are_unquoted():
    files = parse_patch(read("git-quoted-pure-rename-crlf-content.diff")).files
    assert "tést file.txt" in [file.path for file in files]
    pure = next(file for file in files if file.status == "renamed")
    assert (pure.old_path, pure.new_path, pure.similarity, pure.hunks) == ("pure.txt", "renamed-pure.txt", 100, [])


BROKEN_HUNK = """\
diff --git a/x.txt b/x.txt
--- a/x.txt
+++ b/x.txt
@@ -1,3 +1,3 @@
 one
-two
?three
"""


@pytest.mark.parametrize("text, line, words", [
    (BROKEN_HUNK, 7, "expected a line of the hunk that starts at line 4"),
    (BROKEN_HUNK.replace("?three\n", ""), 6, "the patch ends inside the hunk that starts at line 4"),
    (BROKEN_HUNK.replace("?three", "+three\n+four\n+five"), 9, "an added line beyond what the hunk header at line 4 counts"),
    ("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n", 5, "ends inside the hunk"),
    ("@@ -1 +1 @@\n-a\n+b\n", 1, "a hunk (@@) with no file header"),
    ("--- a/x\n+++ b/x\n@@ -x +1 @@\n", 3, "a hunk header that cannot be read"),
    ("notes\ndiff --cc x.c\n", 2, "combined diffs"),
    ("--- a/x\n+++ b/x\n@@ -9223372036854775808,1 +9223372036854775808,1 @@\n-a\n+b\n", 3,
     "a hunk header naming a line past 2,147,483,647"),  # once a 500 on the review page
])
def test_a_malformed_patch_names_what_broke_and_its_line(text, line, words):
    with pytest.raises(PatchError) as raised:
        parse_patch(text)
    assert raised.value.line == line
    assert words in raised.value.message
    assert raised.value.message.startswith(f"The patch is malformed at line {line}:")
    assert (raised.value.code, raised.value.status) == ("malformed_patch", 400)


@pytest.mark.parametrize("text", ["", "hello\nworld\n", "Subject: nothing\n\njust a mail\n", "--- a\nnot a diff\n"])
def test_text_without_file_changes_is_no_changes(text):
    with pytest.raises(NoChanges) as raised:
        parse_patch(text)
    assert raised.value.code == "no_changes"
    assert "No changes found" in raised.value.message


def test_lines_past_max_lines_are_counted_not_kept():
    text = "--- a/x\n+++ b/x\n@@ -0,0 +1,1000 @@\n" + "+line\n" * 1000 + "--- a/y\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n"
    patch = parse_patch(text, max_lines=10)
    x, y = patch.files
    assert (x.additions, len(x.hunks[0].lines), x.truncated) == (1000, 10, True)
    assert (y.additions, y.deletions, y.hunks, y.truncated) == (1, 1, [], True)
    assert patch.lines_kept == 10


def test_garbage_between_files_is_ignored_as_git_ignores_it():
    text = "Index: x\n=====\nsome words\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n-- \n2.39.5\n"
    patch = parse_patch(text)
    assert [(f.path, f.additions, f.deletions) for f in patch.files] == [("x", 1, 1)]


# ---- hostile patches: a clean answer within the budget, never a hang ----

MILLION_ADDED = "--- a/x\n+++ b/x\n@@ -0,0 +1,1000000 @@\n" + "+\n" * 1_000_000
ONE_LONG_LINE = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-" + "x" * 10_000_000 + "\n+y\n"


def test_a_10_mb_one_line_patch_is_413_too_large(standalone):
    response = standalone.post("/api/patch", data=ONE_LONG_LINE.encode(), content_type="text/x-diff")
    assert (response.status_code, response.json["error"]["code"]) == (413, "too_large")


def test_a_10_mb_one_line_patch_under_a_raised_limit_is_read(make_app):
    from werkzeug.test import Client

    client = Client(make_app(DIFF_MAX_BYTES=16 * 1024 * 1024))
    response = client.post("/api/patch", data=ONE_LONG_LINE.encode(), content_type="text/x-diff")
    assert response.status_code in (200, 413, 422, 503), response.get_data(as_text=True)[:300]
    if response.status_code == 200:
        assert response.json["totals"] == {"files": 1, "additions": 1, "deletions": 1}


def test_a_million_added_lines_fit_diff_max_bytes_and_get_a_clean_answer(standalone):
    assert len(MILLION_ADDED) < 2 * 1024 * 1024
    response = standalone.post("/api/patch", data=MILLION_ADDED.encode(), content_type="text/x-diff")
    assert response.status_code in (413, 503), response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] in ("output_too_large", "busy")


def test_a_million_added_lines_make_a_review_page_cut_to_the_render_limit(make_app):
    from werkzeug.test import Client

    response = Client(make_app(DIFF_MAX_RENDER_LINES=1000)).post("/review", data={"patch": MILLION_ADDED})
    assert response.status_code in (200, 422, 503)
    if response.status_code == 200:
        page = response.get_data(as_text=True)
        assert '<span class="added">+1000000</span>' in page
        assert page.count('<tr class="add">') == 1000


def test_a_patch_of_many_files_shows_its_first_ones_and_counts_them_all(make_app, monkeypatch):
    # Each file costs a header, a list entry and a section even with no lines shown: a page of
    # 13,000 tiny files once took 20 s and 11.8 MB.
    from werkzeug.test import Client

    from apps.diffviewer import reviewing

    monkeypatch.setattr(reviewing, "MAX_FILES_SHOWN", 50)
    many = "".join(f"--- a/f{n}.txt\n+++ b/f{n}.txt\n@@ -1 +1 @@\n-old\n+new\n" for n in range(300))
    response = Client(make_app()).post("/review", data={"patch": many})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This patch changes 300 files: the first 50 are listed and shown here" in " ".join(page.split())
    shown = re.findall(r'<span class="path">([^<]*)</span>', page)
    assert shown == [f"f{n}.txt" for n in range(50)]
    assert '<span class="added">+300</span>' in page  # the totals count every file


def test_stop_at_max_ends_the_reading_at_the_limit():
    from apps.diffviewer.core.patch import TooManyLines

    with pytest.raises(TooManyLines):
        parse_patch(MILLION_ADDED, max_lines=1000, stop_at_max=True)


@pytest.mark.parametrize("quoted, path", [
    ('"a/t\\303\\251st.txt"', "tést.txt"),
    ('"a/tab\\there"', "tab\there"),
    ('"a/quote\\"d"', 'quote"d'),
    ('"a/back\\\\slash"', "back\\slash"),
])
def test_c_quoted_paths_read_as_git_writes_them(quoted, path):
    text = f"diff --git {quoted} {quoted.replace('a/', 'b/', 1)}\nold mode 100644\nnew mode 100755\n"
    assert parse_patch(text).files[0].old_path == path
