"""The compare page keeps its context (issue 14).

- Reached from the paste site, the heading names both snippets (title, else file name, else id)
  and links to their pages, learned from the raw answers over HTTP (``Link``,
  ``Content-Disposition``); from another origin, names are text and links stay on that origin.
- The downloaded patch is named after the file and its headers are ``a/<name>``, ``b/<name>``:
  ``git apply`` and ``patch -p1`` apply it in a checkout that has the file (run for real).
- "Save" keeps a diff made from the form as two snippets and leads to their compare page; every
  way it can fail says so on the diff page, and keeps nothing.
"""

import json
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import override_settings
from werkzeug.test import Client

from apps.diffviewer import create_app
from apps.snippets.models import Snippet
from tests.servers import free_port

SITE_ORIGIN = "http://localhost"  # the test client's own origin, as a browser would send it


def paste(client, content, **fields):
    response = client.post("/api/snippets", json={"content": content, **fields})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def compare(client, prefix="/diff", **args):
    return client.get(f"{prefix}/compare?{urlencode(args)}")


def heading(page):
    return re.search(r"<h1>.*?</h1>", page, re.S).group(0)


# ---- the heading, reached from the paste site ----

@pytest.mark.django_db
def test_the_heading_names_both_snippets_and_links_to_their_pages(client):
    titled = paste(client, "one\ntwo\n", title="Release notes", filename="notes.txt")
    named = paste(client, "one\n2\n", filename="notes.txt")
    response = compare(client, left=f"/s/{titled}/raw", right=f"/s/{named}/raw")
    assert response.status_code == 200
    shown = heading(response.get_data(as_text=True))
    assert f'<a class="left" href="/s/{titled}">Release notes</a>' in shown, "a title first"
    assert f'<a class="right" href="/s/{named}">notes.txt</a>' in shown, "else the file name"
    assert "/raw" not in response.get_data(as_text=True).split("<main")[-1].split("</h1>")[0]


@pytest.mark.django_db
def test_a_snippet_without_title_or_file_name_is_called_by_its_id(client):
    left, right = paste(client, "a\n"), paste(client, "b\n")
    shown = heading(compare(client, left=f"/s/{left}/raw", right=f"/s/{right}/raw").get_data(as_text=True))
    assert f'<a class="left" href="/s/{left}">{left}</a>' in shown
    assert f'<a class="right" href="/s/{right}">{right}</a>' in shown


@pytest.mark.django_db
def test_the_paste_sites_compare_link_leads_to_a_heading_naming_parent_and_fork(client):
    parent = paste(client, "def f():\n    return 1\n", title="First try", filename="f.py")
    fork_page = client.get(f"/s/{parent}/fork").get_data(as_text=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', fork_page).group(1)
    client.post(f"/s/{parent}/fork", data={"csrfmiddlewaretoken": token, "content": "def f():\n    return 2\n",
                                           "title": "Second try", "filename": "f.py", "lexer": "auto"})
    child = Snippet.objects.get(title="Second try").pk
    link = re.search(r'href="(/diff/compare\?[^"]+)"', client.get(f"/s/{child}").get_data(as_text=True))
    page = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f'<a class="left" href="/s/{parent}">First try</a> → <a class="right" href="/s/{child}">Second try</a>' in page
    assert "<title>Diff of First try and Second try · composite</title>" in page


@pytest.mark.django_db
def test_a_snippets_title_is_text_in_the_heading(client):
    evil = paste(client, "x\n", title='<script>alert(1)</script>"><img src=x onerror=alert(2)>')
    other = paste(client, "y\n")
    page = compare(client, left=f"/s/{evil}/raw", right=f"/s/{other}/raw").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in heading(page)


@pytest.mark.django_db
def test_any_title_survives_the_link_header_and_a_burn_snippet_says_nothing(client):
    """The title travels percent-encoded (``title*``): quotes, commas, semicolons, non-ASCII."""
    odd = paste(client, "x\n", title='Café "quoted"; <a>, b=c')
    other = paste(client, "y\n")
    page = compare(client, left=f"/s/{odd}/raw", right=f"/s/{other}/raw").get_data(as_text=True)
    assert f'<a class="left" href="/s/{odd}">Café "quoted"; &lt;a&gt;, b=c</a>' in heading(page)
    burn = client.post("/api/snippets", json={"content": "secret\n", "title": "Secret", "burn": True}).get_json()["id"]
    read = client.post(f"/s/{burn}/raw")  # its one reading (a GET opens nothing)
    assert read.status_code == 200 and "Link" not in read.headers and "Content-Disposition" not in read.headers


# ---- answers from another origin: names are text, links stay on that origin ----

class Answers(BaseHTTPRequestHandler):
    """An allowed origin whose answers carry the headers under test, by path."""

    routes = {}

    def do_GET(self):
        status, headers, body = self.routes.get(self.path, (404, {}, b"?"))
        self.send_response(status)
        for name, value in {"Content-Type": "text/plain; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def link(target, title="", extra=""):
    return f'<{target}>; rel="alternate"; type="text/html"{extra}' + (f"; title*=UTF-8''{title}" if title else "")


@pytest.fixture
def elsewhere():
    """An origin the standalone diff viewer may fetch from, answering with Link and file names."""
    Answers.routes = {
        "/named.txt": (200, {"Link": link("/page/named", "%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%C3%A9"),
                             "Content-Disposition": "inline; filename*=UTF-8''caf%C3%A9.py"}, b"one\ntwo\n"),
        "/plain.txt": (200, {}, b"one\n2\n"),
        "/javascript.txt": (200, {"Link": link("javascript:alert(1)", "js")}, b"a\n"),
        "/other-origin.txt": (200, {"Link": link("https://evil.example/page", "evil")}, b"b\n"),
        "/scheme-relative.txt": (200, {"Link": link("//evil.example/page", "evil")}, b"c\n"),
        "/data.txt": (200, {"Link": link("data:text/html,<script>alert(1)</script>", "data")}, b"d\n"),
        "/userinfo.txt": (200, {"Link": link("http://x@evil.example/", "who")}, b"e\n"),
        "/path-name.txt": (200, {"Content-Disposition": 'inline; filename="../../etc/pass<wd>"'}, b"f\n"),
        "/not-alternate.txt": (200, {"Link": '</page/x>; rel="canonical"; title="canon"'}, b"g\n"),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def viewer(elsewhere):
    return Client(create_app({"DIFF_ALLOWED_ORIGINS": elsewhere.url, "DIFF_FETCH_TIMEOUT": 2.0}))


def test_another_origins_page_and_name_are_shown_as_text_linking_on_that_origin(viewer, elsewhere):
    page = compare(viewer, "", left=f"{elsewhere.url}/named.txt", right=f"{elsewhere.url}/plain.txt").get_data(as_text=True)
    shown = heading(page)
    assert f'<a class="left" href="{elsewhere.url}/page/named">&lt;img src=x onerror=alert(1)&gt; é</a>' in shown
    assert f'<a class="right" href="{elsewhere.url}/plain.txt">{elsewhere.url}/plain.txt</a>' in shown, \
        "without a page, the reference itself"
    assert "<img src=x" not in page


@pytest.mark.parametrize("path", ["/javascript.txt", "/other-origin.txt", "/scheme-relative.txt", "/data.txt",
                                  "/userinfo.txt", "/not-alternate.txt"])
def test_a_page_link_that_leaves_the_origin_is_not_followed_nor_its_title_shown(viewer, elsewhere, path):
    page = compare(viewer, "", left=f"{elsewhere.url}{path}", right=f"{elsewhere.url}/plain.txt").get_data(as_text=True)
    shown = heading(page)
    assert f'<a class="left" href="{elsewhere.url}{path}">{elsewhere.url}{path}</a>' in shown
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [href for href in hrefs if href.lower().startswith(("javascript:", "data:", "//")) or "evil" in href]


def test_a_name_in_the_link_is_text_only(viewer, elsewhere):
    page = compare(viewer, "", left=f"{elsewhere.url}/plain.txt", right=f"{elsewhere.url}/plain.txt",
                   left_name="<b>bold</b>", right_name="javascript:alert(1)").get_data(as_text=True)
    shown = heading(page)
    assert "&lt;b&gt;bold&lt;/b&gt;</a>" in shown
    assert 'href="javascript:' not in page and ">javascript:alert(1)</a>" in shown


def test_the_answers_file_name_names_the_patch_and_a_path_in_it_is_dropped(viewer, elsewhere):
    named = compare(viewer, "", left=f"{elsewhere.url}/named.txt", right=f"{elsewhere.url}/plain.txt", format="patch")
    assert named.get_data(as_text=True).startswith("--- a/café.py\n+++ b/café.py\n")
    assert named.headers["Content-Disposition"] == 'attachment; filename="caf_.py.patch"'
    pathy = compare(viewer, "", left=f"{elsewhere.url}/path-name.txt", right=f"{elsewhere.url}/plain.txt", format="patch")
    assert pathy.get_data(as_text=True).startswith("--- a/pass<wd>\n+++ b/pass<wd>\n")
    assert pathy.headers["Content-Disposition"] == 'attachment; filename="pass_wd.patch"'


# ---- the patch applies, with git and GNU patch, in a checkout that has the file ----

OLD = "import os\n\ndef main():\n    print('héllo')\n    return 0\n\n\nif __name__ == '__main__':\n    main()"
NEW = "import os\nimport sys\n\ndef main():\n    print('hello, wörld')\n    return 0\n\n\nif __name__ == '__main__':\n    sys.exit(main())\n"


def run(*command, cwd, stdin=None):
    return subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, check=True, timeout=30)


@pytest.fixture
def checkout(tmp_path):
    """A git repository whose one commit has OLD at ``path``: ``checkout(path)`` gives its folder."""

    def make(path):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(OLD.encode())
        run("git", "init", "-q", cwd=tmp_path)
        run("git", "add", ".", cwd=tmp_path)
        run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "old", cwd=tmp_path)
        return tmp_path

    return make


def applies(patch, folder, path):
    """``git apply`` and ``patch -p1`` each check, then turn the checkout's OLD into NEW exactly."""
    assert shutil.which("patch"), "GNU patch is needed to check the downloaded patch (apt-get install patch)"
    (folder / "the.patch").write_bytes(patch)
    run("git", "apply", "--check", "the.patch", cwd=folder)
    run("patch", "--batch", "-p1", "--dry-run", "-i", "the.patch", cwd=folder)
    run("git", "apply", "the.patch", cwd=folder)
    assert (folder / path).read_bytes() == NEW.encode()
    run("git", "checkout", "--", path, cwd=folder)
    run("patch", "--batch", "-p1", "-s", "-i", "the.patch", cwd=folder)
    assert (folder / path).read_bytes() == NEW.encode()


@pytest.mark.django_db
def test_the_compare_pages_patch_of_two_snippets_applies_to_the_file(client, checkout):
    old, new = paste(client, OLD, filename="app.py"), paste(client, NEW, filename="app.py")
    page = compare(client, left=f"/s/{old}/raw", right=f"/s/{new}/raw").get_data(as_text=True)
    download = re.search(r'<a class="download" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.get(download)
    assert response.headers["Content-Disposition"] == 'attachment; filename="app.py.patch"'
    assert response.get_data(as_text=True).startswith("--- a/app.py\n+++ b/app.py\n@@ ")
    applies(response.get_data(), checkout("app.py"), "app.py")


@pytest.mark.parametrize("path", ["app.py", "src/pkg/app.py"])
def test_the_download_button_of_a_form_diff_applies_to_the_file(client, checkout, path):
    """What the diff page's "Download .patch" posts: the form's fields to /api/diff.patch."""
    response = client.post("/diff/api/diff.patch", data={"left": OLD, "right": NEW, "left_name": path, "right_name": path})
    assert response.headers["Content-Disposition"] == 'attachment; filename="app.py.patch"'
    applies(response.get_data(), checkout(path), path)


def test_names_already_in_gits_form_are_not_prefixed_twice_and_one_name_names_both_sides(client):
    given = client.post("/diff/api/diff.patch", data={"left": "a\n", "right": "b\n", "left_name": "a/x.py", "right_name": "b/x.py"})
    assert given.get_data(as_text=True).startswith("--- a/x.py\n+++ b/x.py\n")
    one = client.post("/diff/api/diff.patch", data={"left": "a\n", "right": "b\n", "right_name": "/abs/../x.py"})
    assert one.get_data(as_text=True).startswith("--- a/abs/x.py\n+++ b/abs/x.py\n")
    two = client.post("/diff/api/diff.patch", data={"left": "a\n", "right": "b\n", "left_name": "old name.py", "right_name": "new.py"})
    assert two.headers["Content-Disposition"] == 'attachment; filename="old_name.py_new.py.patch"'


# ---- Save: a diff from the form becomes two snippets and a permanent compare link ----

FORM = {"left": "alpha\r\nbeta\r\n", "right": "alpha\r\ngamma\r\n", "left_name": "greek.txt", "right_name": "",
        "context": "5", "whitespace": "", "word_diff": "on", "lexer": ""}


def save(client, fields=None, prefix="/diff", **headers):
    data = {**FORM, "view": "side-by-side", **(fields or {})}
    return client.post(f"{prefix}/save", data=data, headers={"Origin": SITE_ORIGIN, **headers},
                       content_type="multipart/form-data")


@pytest.mark.django_db
def test_the_diff_page_offers_save_through_its_form(client):
    page = client.post("/diff/", data=FORM, content_type="multipart/form-data").get_data(as_text=True)
    button = re.search(r'<button class="save" form="inputs" type="submit" formaction="([^"]+)"', page)
    assert button and button.group(1) == "/diff/save"
    assert '<form id="inputs" method="post"' in page and ">alpha\nbeta\n</textarea>" in page, "the form carries the texts"


@pytest.mark.django_db
def test_save_keeps_both_texts_as_snippets_and_leads_to_their_compare_page(client):
    before = set(Snippet.objects.values_list("pk", flat=True))
    response = save(client)
    assert response.status_code == 303
    location = response.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert urlsplit(location).path == "/diff/compare" and not location.startswith("http")
    new = set(Snippet.objects.values_list("pk", flat=True)) - before
    left, right = (query[side][0].split("/")[2] for side in ("left", "right"))
    assert query["left"] == [f"/s/{left}/raw"] and {left, right} == new
    assert query["context"] == ["5"] and query["view"] == ["side-by-side"]
    assert Snippet.objects.get(pk=left).content == "alpha\nbeta\n", "the text as typed, not the textarea's CRLF"
    assert Snippet.objects.get(pk=right).content == "alpha\ngamma\n"
    assert Snippet.objects.get(pk=right).filename == "greek.txt", "an unnamed side takes the other's name"
    page = client.get(location)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'<a class="left" href="/s/{left}">greek.txt</a> → <a class="right" href="/s/{right}">greek.txt</a>' in text
    assert "<del>beta</del>" in text and "<ins>gamma</ins>" in text and "side-by-side" in text
    assert 'class="save"' not in text, "a compare page is already kept"


@pytest.mark.django_db
def test_a_save_sent_by_another_site_is_refused_and_keeps_nothing(client):
    count = Snippet.objects.count()
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        response = client.post("/diff/save", data=FORM, headers=headers)
        assert response.status_code == 403, headers
        assert "sent by a page on another site" in response.get_data(as_text=True)
    assert Snippet.objects.count() == count
    assert save(client, Origin="http://localhost", **{"Sec-Fetch-Site": "same-origin"}).status_code == 303


@pytest.mark.django_db
def test_save_is_offered_only_for_two_texts_that_are_not_blank(client):
    page = client.post("/diff/", data={**FORM, "right": "  \r\n"}).get_data(as_text=True)
    assert 'class="save"' not in page


@pytest.mark.django_db
@override_settings(SNIPPET_MAX_BYTES=100)
def test_a_text_over_the_paste_sites_limit_is_said_on_the_diff_page_and_nothing_is_kept(client):
    count = Snippet.objects.count()
    for fields in ({"left": "x\n" * 100}, {"right": "y\n" * 100}):  # the right refused: the left is undone
        response = save(client, fields)
        assert response.status_code == 413
        page = response.get_data(as_text=True)
        side = "left" if "left" in fields else "right"
        notice = re.search(r'<p class="notice not-saved" role="alert">([^<]+)</p>', page).group(1)
        assert notice.startswith(f"The paste site did not keep the {side} text: ") and "100 bytes" in notice
        assert "Nothing was saved." in notice
        assert "<table" in page and "<textarea" in page, "the diff and its texts are still there"
        assert "Traceback (most recent call last)" not in page  # the language menu offers "Python Traceback"
    assert Snippet.objects.count() == count


def test_without_a_paste_site_there_is_no_save(make_app):
    alone = Client(make_app())
    page = alone.post("/", data=FORM).get_data(as_text=True)
    assert "<table" in page and 'class="save"' not in page
    response = alone.post("/save", data=FORM, headers={"Origin": SITE_ORIGIN})
    assert response.status_code == 404
    assert "No paste site is configured" in response.get_data(as_text=True)


# ---- Save's failures when the paste site is deployed apart ----

class PasteSite(BaseHTTPRequestHandler):
    """A paste site deployed apart, answering each POST with the next canned answer."""

    answers, received = [], []

    def do_POST(self):
        self.received.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
        self.answer(*self.answers.pop(0))

    def do_DELETE(self):
        self.received.append((self.path, self.headers.get("Authorization")))
        self.answer(204, b"")

    def answer(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def paste_site():
    PasteSite.answers, PasteSite.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), PasteSite)
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def apart(url, allowed=None):
    """The diff viewer alone, told the paste site is at ``url`` and allowed to fetch from it."""
    app = create_app({"DIFF_ALLOWED_ORIGINS": allowed or url}, site={"SNIPPETS_URL": url})
    return Client(app)


def created(url, snippet_id):
    return (201, (f'{{"id": "{snippet_id}", "url": "{url}/s/{snippet_id}", "raw_url": "{url}/s/{snippet_id}/raw", '
                  f'"delete_token": "tok-{snippet_id}"}}').encode())


def test_apart_save_links_to_the_paste_sites_raw_urls(paste_site):
    PasteSite.answers = [created(paste_site.url, "L1"), created(paste_site.url, "R1")]
    response = save(apart(paste_site.url), prefix="")
    assert response.status_code == 303
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["left"] == [f"{paste_site.url}/s/L1/raw"] and query["right"] == [f"{paste_site.url}/s/R1/raw"]
    assert [path for path, _ in PasteSite.received] == ["/api/snippets", "/api/snippets"]
    assert json.loads(PasteSite.received[1][1]) == {"content": "alpha\ngamma\n", "filename": "greek.txt"}


def test_apart_save_is_not_offered_when_compare_could_not_fetch_from_the_paste_site(paste_site):
    viewer = apart(paste_site.url, allowed="http://127.0.0.1:1")
    assert 'class="save"' not in viewer.post("/", data=FORM).get_data(as_text=True)
    assert save(viewer, prefix="").status_code == 404 and PasteSite.received == []


@pytest.mark.parametrize("answers, status, says", [
    ([(429, b'{"error": {"code": "rate_limited", "message": "Too many requests: retry in 30 seconds."}}',
       [("Retry-After", "30")])],
     429, "The paste site did not keep the left text: Too many requests: retry in 30 seconds. Nothing was saved."),
    ([(500, b"<h1>Server Error</h1>")], 502, "The paste site failed to keep the left text (it answered 500)"),
    ([(201, b'{"id": "x"}')], 502, "The paste site failed to keep the left text (it answered 201)"),
    ([(201, b"not json")], 502, "The paste site failed to keep the left text"),
    ([(400, b"x" * 70000)], 400, "The paste site did not keep the left text: it answered 400."),
])
def test_the_paste_sites_refusal_or_failure_is_said_on_the_diff_page(paste_site, answers, status, says):
    PasteSite.answers = list(answers)
    response = save(apart(paste_site.url), prefix="")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert says in page and "Traceback (most recent call last)" not in page
    assert 'role="alert"' in page and ">alpha\nbeta\n</textarea>" in page


def test_when_the_second_text_is_refused_the_first_snippet_is_deleted(paste_site):
    PasteSite.answers = [created(paste_site.url, "L1"), (413, b'{"error": {"code": "too_large", "message": "Too big."}}')]
    response = save(apart(paste_site.url), prefix="")
    assert response.status_code == 413 and "did not keep the right text: Too big." in response.get_data(as_text=True)
    assert PasteSite.received[-1] == ("/api/snippets/L1", "Token tok-L1")


def test_an_unreachable_paste_site_is_a_502_saying_so():
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    response = save(apart(url), prefix="")
    assert response.status_code == 502
    page = response.get_data(as_text=True)
    assert "The paste site could not be reached (ConnectError); nothing was saved." in page
    assert "Traceback (most recent call last)" not in page
