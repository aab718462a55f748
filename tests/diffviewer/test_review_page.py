"""/review: the form, and the review page of a pasted, uploaded or referenced patch."""

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.test import Client

from tests.diffviewer.test_escaping import PAYLOADS, SAFE_TAGS, markup_tags

CORPUS = Path(__file__).parent / "patches"
GIT = (CORPUS / "git-rename-copy-mode-binary.diff").read_text(encoding="utf-8")
SERIES = (CORPUS / "format-patch-series.mbox").read_text(encoding="utf-8")
DIFF_RU = (CORPUS / "diff-ru-only-in.diff").read_text(encoding="utf-8")
REVIEW_TAGS = SAFE_TAGS | {"section", "h2", "pre", "ol", "ul", "li", "code"}


def scripts(page):
    """``<script>`` tags on a page other than the site's site.js, which every page loads in ``<head>``."""
    return page.count("<script") - page.count('<script src="/_site/site.js"></script>')


def review(client, patch, view="unified"):
    response = client.post("/diff/review", data={"patch": patch, "view": view})
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    return response.get_data(as_text=True)


def test_get_shows_the_form(client):
    page = client.get("/diff/review").get_data(as_text=True)
    assert '<form id="review-input" method="post" action="/diff/review"' in page
    assert '<textarea name="patch"' in page and '<input type="file" name="patch"' in page


@pytest.mark.parametrize("view", ["unified", "side-by-side"])
def test_the_page_has_totals_a_file_list_and_a_section_per_file(client, view):
    page = review(client, GIT, view)
    assert "8 files changed" in page
    assert '<span class="added">+5</span> <span class="deleted">−5</span>' in page
    for number in range(1, 9):
        assert f'<a href="#f{number}">' in page and f'<details id="f{number}" class="file" open="">' in page
    assert "calc.py → compute.py" in page and "renamed (98% similar)" in page
    assert "notes.txt → notes-copy.txt" in page and "copied (96% similar)" in page
    assert f'<table class="diff {view}">' in page


def test_the_title_names_the_files_when_no_commit_or_answer_names_the_patch(client):
    assert "<title>Patch review of added.txt, compute.py, gone.txt and 5 more · composite</title>" in review(client, GIT)
    one = "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-x\n+y\n"
    assert "<title>Patch review of app.py · composite</title>" in review(client, one)


def test_binary_files_and_mode_changes_are_said_in_words(client):
    page = review(client, GIT)
    assert page.count("Binary file: its contents are not shown.") == 2
    assert "Mode changed from 100644 to 100755." in page
    assert "New file, mode 100644." in page and "Deleted file, mode was 100644." in page


def test_line_anchors_are_per_file(client):
    page = review(client, GIT)
    assert 'id="f2-L11"' in page and 'href="#f2-R11"' in page
    assert 'id="f1-R1"' in page
    assert not re.search(r'id="[LR]\d', page), "no anchor shared by every file"


def test_changed_line_pairs_have_word_marks(client):
    page = review(client, GIT)
    assert re.search(r"<del>(<span[^>]*>)?3(</span>)?</del>", page)
    assert re.search(r"<ins>(<span[^>]*>)?33(</span>)?</ins>", page)


def test_format_patch_mails_show_as_commit_messages(client):
    page = review(client, SERIES)
    assert "<h2>[PATCH 1/2] second: rename, copy, mode, binary</h2>" in page
    assert "Ada Lovelace &lt;a@b.c&gt;" in page
    assert "A body paragraph explaining why.\nWith Ünïcode." in page


def test_only_in_lines_are_listed(client):
    page = review(client, DIFF_RU)
    assert "Only in <code>old</code>: <code>docs</code>" in page


def test_an_upload_is_reviewed(client):
    response = client.post("/diff/review", data={"patch": (io.BytesIO(GIT.encode()), "change.diff")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "8 files changed" in response.get_data(as_text=True)


def test_the_view_switch_posts_the_patch_again(client):
    page = review(client, GIT)
    assert '<button class="as-link" form="review-input" type="submit" name="view" value="side-by-side">Side by side</button>' in page
    assert '<textarea name="patch"' in page


def test_a_malformed_patch_is_a_400_page_naming_the_line(client):
    response = client.post("/diff/review", data={"patch": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n?x\n"})
    assert response.status_code == 400
    assert "The patch is malformed at line 4" in response.get_data(as_text=True)


def test_no_changes_is_a_400_page(client):
    response = client.post("/diff/review", data={"patch": "nothing here\n"})
    assert response.status_code == 400
    assert "No changes found" in response.get_data(as_text=True)


def test_a_patch_over_the_limit_is_413(make_app):
    response = Client(make_app(DIFF_MAX_BYTES=500)).post("/review", data={"patch": GIT})
    assert response.status_code == 413


def test_a_patch_with_more_lines_than_a_page_shows_is_cut_and_says_so(make_app):
    text = "--- a/x\n+++ b/x\n@@ -0,0 +1,300 @@\n" + "+line\n" * 300
    response = Client(make_app(DIFF_MAX_RENDER_LINES=100)).post("/review", data={"patch": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This patch is too large to show fully: the first 100 lines are shown" in " ".join(page.split())
    assert '<span class="added">+300</span>' in page
    assert page.count('<tr class="add">') == 100


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("view", ["unified", "side-by-side"])
def test_payloads_in_a_patch_are_text(client, payload, view):
    name = payload.replace("\n", "")
    patch = (f"From: {payload}\nSubject: {payload}\n\n{payload}\n---\n"
             f"--- a/{name}\n+++ b/{name}.py\n@@ -1,2 +1,2 @@\n {payload}\n-{payload} old\n+{payload} new\n"
             f"Only in {payload}: {payload}\n")
    page = review(client, patch, view)
    assert markup_tags(page) <= REVIEW_TAGS
    assert scripts(page) == 1
    assert "<img" not in page and "<svg" not in page and "<b>" not in page
    assert 'href="javascript:' not in page


def test_the_page_has_the_sites_csp(client):
    response = client.post("/diff/review", data={"patch": GIT})
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---- by reference ----

def make_snippet(content):
    from apps.snippets.models import Snippet

    return Snippet.objects.create(
        content=content, size=len(content.encode()), sha256=hashlib.sha256(content.encode()).hexdigest()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["unified", "side-by-side"])
def test_a_site_path_is_reviewed_in_process(client, listener, view):
    snippet = make_snippet(GIT)
    response = client.get(f"/diff/review?{urlencode({'patch': f'/s/{snippet.id}/raw', 'view': view})}")
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    page = response.get_data(as_text=True)
    assert "8 files changed" in page
    assert f'Patch: <a href="/s/{snippet.id}/raw">' in page
    other = "unified" if view == "side-by-side" else "side-by-side"
    assert f'href="/diff/review?patch=/s/{snippet.id}/raw&amp;view={other}"' in page
    assert 'id="review-input"' not in page, "a page by reference has no form to post"
    assert listener.connections == 0


@pytest.mark.django_db
def test_a_patch_whose_answer_names_it_and_its_page_is_headed_by_that_link(client):
    """The paste site's raw answer says ``Link: </s/<id>>; rel="alternate"; type="text/html";
    title*=…`` (``refs.described``): the heading and the title name it, the heading links there."""
    snippet = make_snippet(GIT)
    snippet.title = "The <b>fix</b>"
    snippet.save()
    page = client.get(f"/diff/review?{urlencode({'patch': f'/s/{snippet.id}/raw'})}").get_data(as_text=True)
    assert f'<h1>Patch review: <a class="named" href="/s/{snippet.id}">The &lt;b&gt;fix&lt;/b&gt;</a></h1>' in page
    assert "<title>Patch review of The &lt;b&gt;fix&lt;/b&gt;: added.txt, compute.py, gone.txt and 5 more · composite</title>" in page


def test_an_allowed_origin_is_fetched(make_app, origin):
    from tests.diffviewer.conftest import Origin

    Origin.routes = {**Origin.routes, "/change.diff": (200, "text/x-diff", GIT.encode())}
    client = Client(make_app(DIFF_ALLOWED_ORIGINS=origin.url, DIFF_FETCH_TIMEOUT=2.0))
    response = client.get(f"/review?{urlencode({'patch': origin.url + '/change.diff'})}")
    assert response.status_code == 200, response.get_data(as_text=True)[-500:]
    assert "8 files changed" in response.get_data(as_text=True)


def test_other_origins_are_refused_without_a_request(make_app, origin, listener):
    client = Client(make_app(DIFF_ALLOWED_ORIGINS=origin.url))
    response = client.get(f"/review?{urlencode({'patch': f'http://127.0.0.1:{listener.port}/x.diff'})}")
    assert response.status_code == 400
    assert "The patch reference was refused" in response.get_data(as_text=True)
    assert listener.connections == 0


def test_review_cannot_fetch_the_diff_viewer_itself(client):
    for path in ("/diff/review?patch=x", "/diff/compare?left=a&right=b"):
        response = client.get(f"/diff/review?{urlencode({'patch': path})}")
        assert response.status_code == 400
        assert "a review page cannot fetch a page of the diff viewer" in response.get_data(as_text=True)


# ---- from the paste site ----

@pytest.mark.django_db
def test_a_diff_snippet_offers_review_and_the_link_works(client, listener):
    from html import unescape

    snippet = make_snippet(GIT)
    snippet.lexer = "diff"
    snippet.save()
    page = client.get(f"/s/{snippet.id}").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" class="review">Review</a>', page)
    assert link, "a diff snippet's page offers Review"
    assert unescape(link[1]) == f"/diff/review?{urlencode({'patch': f'/s/{snippet.id}/raw'})}"
    response = client.get(unescape(link[1]))
    assert response.status_code == 200, response.get_data(as_text=True)[-500:]
    assert "8 files changed" in response.get_data(as_text=True)
    assert listener.connections == 0


@pytest.mark.django_db
def test_other_snippets_offer_no_review(client):
    snippet = make_snippet("print(1)\n")
    snippet.lexer = "python"
    snippet.save()
    assert 'class="review"' not in client.get(f"/s/{snippet.id}").get_data(as_text=True)


# ---- colours within the page's budget ----

def test_colours_are_asked_in_batches_ahead_and_waited_for_no_longer_than_the_page_s_patience(client, monkeypatch):
    """The files' colours are asked in a few batches, a little ahead of the rows; a highlighter that
    does not answer holds the page no longer than its patience (DIFF_HIGHLIGHT_TIMEOUT ×
    HIGHLIGHT_PAGE_FACTOR), then the rest is plain and nothing more is asked."""
    import threading

    from apps.diffviewer import reviewing, tokens

    released, asked = threading.Event(), []

    def stuck_fetch(client, items, settings):
        asked.append([filename for _, filename in items])
        released.wait()
        return [None] * len(items)

    monkeypatch.setattr(tokens, "fetch_batch", stuck_fetch)
    monkeypatch.setattr(reviewing, "BATCH_FILES", 2)
    monkeypatch.setattr(reviewing, "HIGHLIGHT_PAGE_FACTOR", 0.01)  # 1.5 s × 0.01: 15 ms of patience
    patch = "".join(f"--- a/f{i}.py\n+++ b/f{i}.py\n@@ -1 +1 @@\n-a\n+b\n" for i in range(10))
    try:
        page = review(client, patch)
    finally:
        released.set()
    assert page.count('<details id="f') == 10 and 'class="t-' not in page
    assert len(asked) <= reviewing.THREADS  # those its threads took; the ones queued ahead were dropped
    assert asked[0] == ["f0.py", "f0.py", "f1.py", "f1.py"]


def test_colours_come_in_a_few_batches_not_one_request_per_file(client, monkeypatch):
    from apps.diffviewer import reviewing, tokens

    asked = []
    real = tokens.fetch_batch

    def counted(client, items, settings):
        asked.append(len(items))
        return real(client, items, settings)

    monkeypatch.setattr(tokens, "fetch_batch", counted)
    monkeypatch.setattr(reviewing, "BATCH_FILES", 8)
    patch = "".join(f"--- a/f{i}.py\n+++ b/f{i}.py\n@@ -1 +1 @@\n-x = {i}\n+y = {i}\n" for i in range(20))
    page = review(client, patch)
    assert asked == [16, 16, 8]  # two sides per file
    assert page.count('<span class="t-mi">') == 40  # every number, old and new, in every file


def test_the_page_streams_before_every_file_is_made(client, monkeypatch):
    """The first bytes leave before the later files' rows (and their colours) are made."""
    from apps.diffviewer import reviewing

    made = []
    monkeypatch.setattr(reviewing.Colours, "of", lambda self, file: (made.append(file.path), (None, None))[1])
    patch = "".join(f"--- a/f{i}.txt\n+++ b/f{i}.txt\n@@ -1 +1 @@\n-old {i}\n+new {i}\n" for i in range(300))
    response = client.post("/diff/review", data={"patch": patch}, buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    assert b"300 files changed" in first
    assert len(made) < 300
    rest = b"".join(chunks)
    assert len(made) == 300 and rest.count(b'<tr class="add">') + first.count(b'<tr class="add">') == 300
    response.close()


# ---- the head before the heavy work ----

def test_the_head_and_file_list_leave_before_the_whole_job_answers(client, monkeypatch):
    """Only the parse (the outline) is waited for before the first byte; word marks, moved code
    and the rows follow once the whole job has answered."""
    import threading

    from apps.diffviewer import work

    released, real = threading.Event(), work.review

    def held(text, settings):
        assert released.wait(timeout=60), "the test never released the job"
        return real(text, settings)

    monkeypatch.setattr(work, "review", held)
    patch = "".join(f"--- a/f{i}.txt\n+++ b/f{i}.txt\n@@ -1 +1 @@\n-old {i}\n+new {i}\n" for i in range(3))
    response = client.post("/diff/review", data={"patch": patch}, buffered=False)
    try:
        first = next(iter(response.response))
        assert b"3 files changed" in first and b'href="#f3"' in first
        assert not released.is_set()
    finally:
        released.set()
    rest = b"".join(response.response)
    assert (first + rest).count(b'<details id="f') == 3
    response.close()


def test_a_malformed_patch_is_refused_before_the_page_starts(client):
    response = client.post("/diff/review", data={"patch": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n?what\n"})
    assert response.status_code == 400
    assert "malformed" in response.get_data(as_text=True)


def test_a_whole_job_that_fails_after_the_page_started_is_said_on_the_page(client, monkeypatch):
    from apps.diffviewer import work
    from apps.diffviewer.inputs import InputError

    def timed_out(text, settings):
        raise InputError("timeout", "Comparing took longer than 5 s and was stopped.", 422)

    monkeypatch.setattr(work, "review", timed_out)
    page = review(client, "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
    assert "1 file changed" in page and '<details id="f' not in page
    assert "The files of this patch cannot be shown: Comparing took longer than 5 s" in page


def test_rows_are_written_around_genshi_and_a_patch_cannot_forge_their_place(client):
    """The rows are spliced into the page where their file's mark is (templating.Slots); a
    patch's own text spelling a mark is escaped, so it is text, not a place."""
    patch = ("--- a/<!--slot:0-->.txt\n+++ b/<!--slot:0-->.txt\n@@ -1,0 +1,2 @@\n+<!--slot:1-->\n+<!--sent-->\n"
             "--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-old\n+new\n")
    page = review(client, patch)
    assert "<!--slot:" not in page
    assert page.count("&lt;!--slot:0--&gt;.txt") >= 2 and "&lt;!--slot:1--&gt;" in page
    assert page.count('<tr class="add">') >= 2
    assert page.index('id="f1"') < page.index("&lt;!--slot:1--&gt;") < page.index('id="f2"') < page.index(">new<")


def test_a_batch_of_colours_that_fails_leaves_the_rest_of_the_page_plain(client, monkeypatch):
    from apps.diffviewer import tokens

    def broken(client, items, settings):
        raise ValueError("a bug in the colours")

    monkeypatch.setattr(tokens, "fetch_batch", broken)
    page = review(client, "".join(f"--- a/f{i}.py\n+++ b/f{i}.py\n@@ -1 +1 @@\n-x = {i}\n+y = {i}\n" for i in range(3)))
    assert page.count('<details id="f') == 3 and 'class="t-' not in page and page.rstrip().endswith("</html>")
