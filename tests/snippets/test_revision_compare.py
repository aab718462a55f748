"""Comparing two revisions of a snippet (issue 13): ``/s/<id>/compare/<a>..<b>.patch`` and
``/s/<id>/compare/<a>..<b>``.

The ``.patch`` is a git patch that the real ``git apply`` applies to revision a's files to make
revision b's, byte for byte, whatever changed (a file changed, added, removed, renamed; CRLF,
non-ASCII, no final newline, control characters); ``a > b`` is the reverse patch. The page is the
diff viewer's review of that patch (a redirect; the review page fetches the ``.patch``
in-process), or the paste site's own list of changes when there is no diff viewer.
"""

import os
import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.test import Client as DjangoClient

from apps import killable
from apps.snippets import comparing, revisionpatch

pytestmark = pytest.mark.django_db

# ---- helpers: revisions made through the curl API, and the real git ----


def create(client, files, **fields):
    response = client.post("/api/snippets", json={"files": files_json(files), **fields})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def edit(client, made, files):
    response = client.put(f"/api/snippets/{made['id']}", json={"files": files_json(files)},
                          headers={"Authorization": f"Token {made['delete_token']}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["revision"]


def files_json(files):
    return [{"filename": name, "content": text} for name, text in files]


def patch_of(client, snippet_id, a, b):
    response = client.get(f"/s/{snippet_id}/compare/{a}..{b}.patch")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


def git(*arguments, cwd):
    """The real git, ignoring the machine's and the user's configuration (no autocrlf)."""
    environment = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"}
    result = subprocess.run(["git", *arguments], cwd=cwd, env=environment, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def applied(patch, files, folder):
    """The files a git checkout holding ``files`` has after ``git apply --check`` and ``git apply``."""
    folder.mkdir()
    git("init", "-q", cwd=folder)
    for name, text in files:
        (folder / name).write_bytes(text.encode("utf-8"))
    (folder.parent / f"{folder.name}.patch").write_bytes(patch)
    git("apply", "--check", f"../{folder.name}.patch", cwd=folder)
    git("apply", f"../{folder.name}.patch", cwd=folder)
    return {path.name: path.read_bytes().decode("utf-8") for path in folder.iterdir() if path.name != ".git"}


# ---- the .patch, applied by git ----

LONG = "".join(f"line {n}: the same words on every line, so that git sees the file as the same one\n"
               for n in range(40))
CASES = {
    "a file changed": ([("app.py", "x = 1\ny = 2\nz = 3\n")], [("app.py", "x = 1\ny = 20\nz = 3\n")]),
    "a file added": ([("app.py", "x = 1\n")], [("app.py", "x = 1\n"), ("test_app.py", "assert True\n")]),
    "a file removed": ([("app.py", "x = 1\n"), ("old.txt", "bye\n")], [("app.py", "x = 1\n")]),
    "a file renamed, its bytes unchanged": ([("a.py", LONG), ("keep.py", "k\n")], [("b.py", LONG), ("keep.py", "k\n")]),
    "a file renamed and edited": ([("a.py", LONG)], [("b.py", LONG.replace("line 7:", "line seven:"))]),
    "CRLF lines, one changed, one line ending changed": (
        [("win.bat", "echo one\r\necho two\r\necho three\r\n")],
        [("win.bat", "echo one\r\necho 2\r\necho three\n")]),
    "a lone CR inside lines": ([("cr.txt", "a\rb\nc\n")], [("cr.txt", "a\rB\nc\r\n")]),
    "non-ASCII text and names": (
        [("héllo wörld.py", "print('ünïcode ✓')\n")],
        [("héllo wörld.py", "print('ünïcode ✗ 日本')\n"), ("日本語.txt", "テキスト\n")]),
    "names git quotes and names with spaces": (
        [('say "hi".txt', "hi\n"), ("my notes.md", "# a\n")],
        [('say "hi".txt', "hello\n"), ("my notes.md", "# b\n")]),
    "the final newline taken away": ([("a.txt", "one\ntwo\n")], [("a.txt", "one\ntwo")]),
    "a file without a final newline changed": ([("a.txt", "one\ntwo")], [("a.txt", "one\nthree")]),
    "control characters, which libgit2 would take for binary": (
        [("ctl.txt", "\x01\x02\x03\x04\x05\x06\x07\x0b\x0c\x0e\x0f\x10 x\n")],
        [("ctl.txt", "\x01\x02\x03\x04\x05\x06\x07\x0b\x0c\x0e\x0f\x11 y\n")]),
    "everything at once": (
        [("keep.py", "k\n"), ("gone.py", "g\n"), ("moved.py", LONG), ("edit.py", "e = 1\r\n")],
        [("keep.py", "k\n"), ("moved2.py", LONG), ("edit.py", "e = 2\r\n"), ("new.py", "n")]),
}


@pytest.mark.parametrize("case", CASES)
def test_git_apply_turns_revision_a_into_revision_b_byte_for_byte(client, tmp_path, case):
    old, new = CASES[case]
    made = create(client, old)
    assert edit(client, made, new) == 2
    patch = patch_of(client, made["id"], 1, 2)
    assert applied(patch, old, tmp_path / "forward") == dict(new)


@pytest.mark.parametrize("case", CASES)
def test_a_greater_than_b_is_the_reverse_patch(client, tmp_path, case):
    old, new = CASES[case]
    made = create(client, old)
    edit(client, made, new)
    patch = patch_of(client, made["id"], 2, 1)
    assert applied(patch, new, tmp_path / "backward") == dict(old)


def test_the_patch_says_what_happened_to_each_file_as_git_writes_it(client):
    old, new = CASES["everything at once"]
    made = create(client, old)
    edit(client, made, new)
    patch = patch_of(client, made["id"], 1, 2).decode()
    assert "diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n" in patch
    assert "diff --git a/new.py b/new.py\nnew file mode 100644\n" in patch
    assert "rename from moved.py\nrename to moved2.py\n" in patch
    assert "+n\n\\ No newline at end of file\n" in patch
    assert "-e = 1\r\n+e = 2\r\n" in patch
    assert "keep.py" not in patch


def test_revisions_further_apart_compare_too(client, tmp_path):
    made = create(client, [("a.txt", "1\n")])
    edit(client, made, [("a.txt", "2\n")])
    edit(client, made, [("a.txt", "3\n"), ("b.txt", "b\n")])
    assert applied(patch_of(client, made["id"], 1, 3), [("a.txt", "1\n")], tmp_path / "r") == {
        "a.txt": "3\n", "b.txt": "b\n"}


def test_a_one_file_snippet_without_a_name_is_called_as_its_download_is(client, tmp_path):
    response = client.post("/api/snippets", json={"content": "x = 1\n"})
    made = response.get_json()
    edit(client, made, [("app.py", "x = 2\n")])
    patch = patch_of(client, made["id"], 1, 2)
    assert applied(patch, [(f"{made['id']}.txt", "x = 1\n")], tmp_path / "r") == {"app.py": "x = 2\n"}


def test_the_patch_is_a_nosniff_attachment_named_after_the_snippet_and_revisions(client):
    made = create(client, [("a.txt", "1\n")])
    edit(client, made, [("a.txt", "2\n")])
    response = client.get(f"/s/{made['id']}/compare/1..2.patch")
    assert response.headers["Content-Type"] == "text/x-diff; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{made["id"]}-1..2.patch"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get(f"/s/{made['id']}/compare/1..2.patch", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_revision_compared_with_itself_is_an_empty_patch(client):
    made = create(client, [("a.txt", "1\n")])
    response = client.get(f"/s/{made['id']}/compare/1..1.patch")
    assert (response.status_code, response.get_data()) == (200, b"")


@pytest.mark.parametrize("path", ["compare/1..3.patch", "compare/3..1.patch", "compare/0..1.patch", "compare/1..3"])
def test_a_missing_revision_is_404(client, path):
    made = create(client, [("a.txt", "1\n")])
    edit(client, made, [("a.txt", "2\n")])
    response = client.get(f"/s/{made['id']}/{path}")
    assert response.status_code == 404


def test_a_missing_snippet_is_404(client):
    assert client.get("/s/nosuchsnippet/compare/1..2.patch").status_code == 404
    assert client.get("/s/nosuchsnippet/compare/1..2").status_code == 404


def test_a_burn_after_reading_snippet_has_nothing_to_compare_and_stays_unread(client):
    made = client.post("/api/snippets", json={"content": "secret\n", "burn": True}).get_json()
    for path in ("compare/1..1.patch", "compare/1..1"):
        assert client.get(f"/s/{made['id']}/{path}").status_code == 404
    assert client.post(f"/s/{made['id']}/raw").get_data() == b"secret\n"  # its one reading (a GET reads nothing)


def test_a_patch_that_outruns_its_budget_is_refused_clearly(client, monkeypatch):
    made = create(client, [("a.txt", "1\n")])
    edit(client, made, [("a.txt", "2\n")])

    def too_slow(old, new):
        raise killable.Failure("timeout", "Comparing revisions took longer than 5 s and was stopped.", 422)

    monkeypatch.setattr(comparing, "made_patch", too_slow)
    response = client.get(f"/s/{made['id']}/compare/1..2.patch")
    assert response.status_code == 422
    assert "took longer than" in response.get_data(as_text=True)


def test_the_patch_process_is_killed_past_its_budget():
    """Two texts of one-character lines can keep libgit2 busy for seconds (measured: 2-5 s for
    512 KiB each); the pool kills the job at its budget."""
    import random

    generator = random.Random(4)
    old, new = ("".join(generator.choice("abcd") + "\n" for _ in range(262_144)) for _ in range(2))
    with killable.Pool(revisionpatch.__name__, workers=1, timeout=0.3) as pool:
        with pytest.raises(killable.Failure) as failure:
            pool.call("patch", {"old": [("f.txt", old)], "new": [("f.txt", new)]})
        assert failure.value.code == "timeout"
        assert pool.call("patch", {"old": [("f", "a\n")], "new": [("f", "b\n")]})["patch"].endswith(b"-a\n+b\n")


# ---- the compare page: the diff viewer's review of the .patch ----


def test_the_compare_page_redirects_to_the_review_of_the_patch_by_its_site_path(client):
    made = create(client, [("a.txt", "1\n")])
    edit(client, made, [("a.txt", "2\n")])
    response = client.get(f"/s/{made['id']}/compare/1..2")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/diff/review"
    assert parse_qs(location.query) == {"patch": [f"/s/{made['id']}/compare/1..2.patch"]}


def test_the_review_page_shows_every_file_of_the_compare(client):
    old, new = CASES["everything at once"]
    made = create(client, old, title="The <b>fix</b>")
    edit(client, made, new)
    review = client.get(f"/s/{made['id']}/compare/1..2", follow_redirects=True)
    assert review.status_code == 200, review.get_data(as_text=True)
    page = review.get_data(as_text=True)
    for name in ("gone.py", "moved.py → moved2.py", "edit.py", "new.py"):
        assert name in page
    assert ">keep.py<" not in page
    assert "4 files changed" in page
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title == "Patch review of The &lt;b&gt;fix&lt;/b&gt;, revision 1 → 2: edit.py, gone.py, moved2.py and 1 more · composite"
    assert f'href="/s/{made["id"]}/history"' in page


def test_a_diff_viewer_apart_is_given_the_patchs_absolute_url(client, monkeypatch):
    """Its ``DIFF_ALLOWED_ORIGINS`` must then list the paste site's origin."""
    made = create(client, [("a.txt", "1\n")])
    edit(client, made, [("a.txt", "2\n")])
    monkeypatch.setenv("DIFFVIEWER_URL", "https://diff.example")
    response = DjangoClient().get(f"/s/{made['id']}/compare/1..2")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "diff.example", "/review")
    assert parse_qs(location.query) == {"patch": [f"http://testserver/s/{made['id']}/compare/1..2.patch"]}


def test_a_diff_snippets_review_link_works_with_a_diff_viewer_apart(client, monkeypatch):
    made = client.post("/api/snippets", json={"content": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-1\n+2\n",
                                               "lexer": "diff"}).get_json()
    monkeypatch.setenv("DIFFVIEWER_URL", "https://diff.example")
    page = DjangoClient().get(f"/s/{made['id']}").content.decode()
    assert f'href="/s/{made["id"]}/review" class="review"' in page  # a cached page holds no host
    response = DjangoClient().get(f"/s/{made['id']}/review")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.netloc, location.path) == ("diff.example", "/review")
    assert parse_qs(location.query) == {"patch": [f"http://testserver/s/{made['id']}/raw"]}
    python = client.post("/api/snippets", json={"content": "x = 1\n", "lexer": "python"}).get_json()
    assert DjangoClient().get(f"/s/{python['id']}/review").status_code == 404


def test_revisions_with_the_same_files_are_said_to_be_so_without_a_review(client):
    made = create(client, [("a.txt", "1\n")])
    response = client.put(f"/api/snippets/{made['id']}", json={"files": [{"filename": "a.txt", "content": "1\n",
                                                                          "lexer": "python"}]},
                          headers={"Authorization": f"Token {made['delete_token']}"})
    assert response.get_json()["revision"] == 2  # only its language changed
    page = client.get(f"/s/{made['id']}/compare/1..2")
    assert page.status_code == 200
    assert "hold the same files, byte for byte" in page.get_data(as_text=True)
    assert client.get(f"/s/{made['id']}/compare/1..2.patch").get_data() == b""


# ---- without a diff viewer: the paste site's own page ----


@pytest.fixture
def alone(monkeypatch):
    for name in ("HIGHLIGHTER_URL", "DIFFVIEWER_URL", "SNIPPETS_URL", "SITE_NAV"):
        monkeypatch.delenv(name, raising=False)
    return DjangoClient()


def test_without_a_diff_viewer_the_page_lists_each_files_changes_and_both_raw_links(client, alone):
    old, new = CASES["everything at once"]
    made = create(client, old)
    edit(client, made, new)
    response = alone.get(f"/s/{made['id']}/compare/1..2")
    assert response.status_code == 200
    page = response.content.decode()
    snippet = made["id"]
    assert "4 files changed" in page
    assert re.search(r"gone\.py</a> <span class=\"status removed\">removed</span>", page)
    assert re.search(r"moved\.py → moved2\.py</a> <span class=\"status renamed\">renamed</span>", page)
    assert re.search(r"edit\.py</a> <span class=\"status changed\">changed</span>", page)
    assert re.search(r"new\.py</a> <span class=\"status added\">added</span>", page)
    for link in (f"/s/{snippet}/1/raw/gone.py", f"/s/{snippet}/1/raw/edit.py", f"/s/{snippet}/2/raw/edit.py",
                 f"/s/{snippet}/2/raw/new.py", f"/s/{snippet}/1/raw/moved.py", f"/s/{snippet}/2/raw/moved2.py",
                 f"/s/{snippet}/2/raw/keep.py", f"/s/{snippet}/compare/1..2.patch"):
        assert f'href="{link}"' in page
    assert '<span class="delete">-e = 1\r</span>' in page
    assert '<span class="add">+e = 2\r</span>' in page


def test_without_a_diff_viewer_a_long_patch_is_cut_on_the_page_not_in_the_patch(client, alone, monkeypatch):
    monkeypatch.setattr(apps.get_app_config("snippets"), "compare_page_lines", 10)
    made = create(client, [("a.txt", "".join(f"{n}\n" for n in range(100)))])
    edit(client, made, [("a.txt", "".join(f"{n}!\n" for n in range(100)))])
    page = alone.get(f"/s/{made['id']}/compare/1..2").content.decode()
    assert page.count('<span class="add">') + page.count('<span class="delete">') < 10
    assert "The rest of this file's changes are in the" in page
    assert patch_of(client, made["id"], 1, 2).count(b"!\n") == 100  # every added line is in the patch
