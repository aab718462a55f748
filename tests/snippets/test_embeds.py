"""Embeds (issue 13): ``/s/<id>/embed`` for an iframe, ``/s/<id>.js`` for a script tag, and
their stylesheet ``/s/embed.css``.

The embed page is the one page any origin may frame, with no script allowed in it; every other
page keeps ``DENY``. The script is real JavaScript (run here in node with a ``document.write``
that collects what it writes), whose written HTML holds the snippet's text escaped: nothing of
a snippet (content, title, file names) becomes markup or script. Neither reads the visitor's
session nor sets a cookie, so a visitor's delete token never shows. A burn-after-reading
snippet is never embedded (and stays unread); an expired or removed one embeds a notice.
"""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.utils import timezone

from apps.snippets import intake, takedown
from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db

NODE = shutil.which("node") or "/usr/bin/node"
FLAG = "window.pwned=1"
XSS = [
    "</script><script>window.pwned=1</script>",
    "<!--",
    "<script>",
    "\u2028",
    "\u2029",
    "\"'><img src=x onerror=window.pwned=1>",
    "${window.pwned=1}`backticks`",
    "&lt;b&gt; &amp; &#x3c;",
    "]]>",
]
HOSTILE_CONTENT = "x = 1\n" + "\n".join(XSS) + "\n"
HOSTILE_TITLE = "</script><script>window.pwned=1</script><!--\"'><img src=x onerror=window.pwned=1>`${1}`\u2028"
HOSTILE_NAMES = ["\"'><img src=x onerror=window.pwned=1>.py", "<!--${x}`.txt", "<script>alert(1)<.js"]
MARKUP_TAGS = {"link", "div", "a", "pre", "span", "code", "p"}  # all the embed's HTML may hold


def post_files(client, files, **fields):
    response = client.post("/api/snippets", json={"files": [{"filename": n, "content": c} for n, c in files],
                                                   **fields})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def run_script(source):
    """What the script writes when run (node, with a ``document`` whose ``write`` collects)."""
    runner = ("const vm = require('vm'); let out = ''; const code = require('fs').readFileSync(0, 'utf8');"
              "vm.runInNewContext(code, {document: {write: (s) => { out += s; }}}, {timeout: 10000});"
              "process.stdout.write(out);")
    done = subprocess.run([NODE, "-e", runner], input=source.encode(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


class Markup(HTMLParser):
    """The tags, attributes and text of some HTML, as a browser's tokenizer sees them."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text, self.comments = [], [], [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def plain_text(self):
        return "".join(self.text)


def assert_inert(html):
    """Only the embed's own tags and attributes, no handler, no comment: text stayed text."""
    markup = Markup(html)
    assert set(markup.tags) <= MARKUP_TAGS | {"html", "head", "meta", "title", "body"}, set(markup.tags)
    assert not [name for name, _ in markup.attributes if name.startswith("on") or name in ("src", "srcdoc", "style")]
    assert markup.comments == []
    return markup


# -- the frame ------------------------------------------------------------------------------

def test_the_embed_page_may_be_framed_by_anyone_and_runs_no_script(client, paste):
    response = client.get(f"/s/{paste()['id']}/embed")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'none'" in csp and "default-src 'none'" in csp
    assert "sandbox" in csp and "allow-scripts" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/", "/mine", "/s/{id}", "/s/{id}/1", "/s/{id}/history", "/s/{id}/fork", "/s/{id}/delete", "/s/{id}/report",
    "/s/{id}/share", "/s/nothing-here",
])
def test_every_other_page_still_denies_framing(client, paste, path):
    response = client.get(path.format(id=paste()["id"]))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/highlight/", "/diff/"])
def test_the_sibling_apps_pages_deny_framing_too(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_embed_shows_every_file_with_its_name_and_links(client):
    made = post_files(client, [("app.py", "def main():\n    return 1\n"), ("util.py", "A = 1\n")], title="Two")
    html = client.get(f"/s/{made['id']}/embed").get_data(as_text=True)
    markup = assert_inert(html)
    assert "def main():" in markup.plain_text() and "A = 1" in markup.plain_text()
    links = dict((href, text) for href, text in re.findall(r'<a class="composite-embed-name" href="([^"]+)"[^>]*>([^<]*)<', html))
    assert links == {made["url"] + "#app.py": "app.py", made["url"] + "#util.py": "util.py"}
    assert f'href="{made["url"]}/raw/util.py" target="_blank" rel="noopener"' in html
    assert 'href="/s/embed.css"' in html
    assert f'id="embed-{made["id"]}-util.py-L1"' in html  # anchors no other embed on a page can share


def test_file_shows_one_file_and_an_unknown_one_is_a_404_notice(client):
    made = post_files(client, [("app.py", "APP = 1\n"), ("util.py", "UTIL = 2\n")])
    one = client.get(f"/s/{made['id']}/embed?file=util.py").get_data(as_text=True)
    assert "UTIL" in one and "APP" not in one
    missing = client.get(f"/s/{made['id']}/embed?file=nope.py")
    assert missing.status_code == 404 and "no file of that name" in missing.get_data(as_text=True)
    assert "X-Frame-Options" not in missing.headers


def test_a_revision_has_its_own_embed(client):
    made = post_files(client, [("a.py", "FIRST = 1\n")])
    token = made["delete_token"]
    changed = client.put(f"/api/snippets/{made['id']}", json={"files": [{"filename": "a.py", "content": "SECOND = 2\n"}]},
                         headers={"Authorization": f"Token {token}"})
    assert changed.status_code == 201
    assert "FIRST" in client.get(f"/s/{made['id']}/1/embed").get_data(as_text=True)
    assert "SECOND" in client.get(f"/s/{made['id']}/embed").get_data(as_text=True)
    assert client.get(f"/s/{made['id']}/3/embed").status_code == 404


def test_an_embed_reads_no_session_and_sets_no_cookie(client, post_form):
    """The creator's browser holds the delete token in its session: the embed never shows it."""
    created = post_form(content="print('mine')\n")
    assert created.status_code == 302
    snippet_id = created.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    token_page = client.get(f"/s/{snippet_id}").get_data(as_text=True)
    token = re.search(r"<code>([\w-]{20,})</code>", token_page).group(1)
    for path in (f"/s/{snippet_id}/embed", f"/s/{snippet_id}.js", "/s/embed.css"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
        assert token not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/s/{id}/embed", "/s/{id}.js"])
def test_an_embed_is_revalidated_with_its_etag(client, paste, path):
    path = path.format(id=paste()["id"])
    first = client.get(path)
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_repeat_view_comes_from_the_page_cache_but_a_deleted_snippet_is_gone_at_once(client, paste):
    made = paste("print('kept')\n")
    pages = apps.get_app_config("snippets").pages
    first = client.get(f"/s/{made['id']}/embed")
    assert [key[:2] for key in pages.keys()] == [(made["id"], "embed")]
    assert client.get(f"/s/{made['id']}/embed").data == first.data
    client.delete(f"/api/snippets/{made['id']}", headers={"Authorization": f"Token {made['delete_token']}"})
    assert client.get(f"/s/{made['id']}/embed").status_code == 404


def test_plain_text_for_a_passing_reason_is_neither_kept_nor_tagged(client, paste, monkeypatch):
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")
    made = paste("if a < b:\n    pass\n", lexer="python")
    response = client.get(f"/s/{made['id']}/embed")
    assert "if a &lt; b:" in response.get_data(as_text=True)
    assert "ETag" not in response.headers and response.headers["Cache-Control"] == "no-cache"
    assert apps.get_app_config("snippets").pages.keys() == []


# -- the script -----------------------------------------------------------------------------

def test_the_script_is_javascript_that_writes_the_stylesheet_and_the_code(client, paste):
    made = paste("print('hello from the embed')\n", filename="hello.py")
    response = client.get(f"/s/{made['id']}.js")
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    written = run_script(response.get_data(as_text=True))
    assert written.startswith('<link rel="stylesheet" href="http://localhost/s/embed.css">')
    markup = assert_inert(written)
    assert "print('hello from the embed')" in markup.plain_text()
    assert f'href="{made["url"]}" target="_blank" rel="noopener"' in written


def test_the_scripts_urls_are_the_public_ones_the_proxy_reports(client, paste):
    made = paste()
    source = client.get(f"/s/{made['id']}.js", headers={"X-Forwarded-Proto": "https"})
    assert 'href=\\"https://localhost/s/embed.css\\"' in source.get_data(as_text=True)


def test_hostile_content_title_and_names_stay_text_in_the_script_and_the_frame(client):
    files = [(HOSTILE_NAMES[0], HOSTILE_CONTENT), (HOSTILE_NAMES[1], "`${1}`\n</SCRIPT >\n<!-- -->\n"),
             (HOSTILE_NAMES[2], "a\u2028b\u2029c\n")]
    made = post_files(client, files, title=HOSTILE_TITLE)
    source = client.get(f"/s/{made['id']}.js").get_data(as_text=True)
    assert not re.search(r"</script|<!--|<script|\u2028|\u2029", source, re.IGNORECASE)
    for html in (run_script(source), client.get(f"/s/{made['id']}/embed").get_data(as_text=True)):
        text = assert_inert(html).plain_text()
        for payload in XSS:
            assert payload in text
        for name in HOSTILE_NAMES:
            assert name in text
        assert intake.check_title(HOSTILE_TITLE) in text  # as stored: its U+2028 is a space (a file still has them)


def test_the_highlighter_escapes_every_token(client):
    """The code HTML is the highlighter's: its tokens come escaped (Pygments), in every language."""
    for name in ("a.html", "a.js", "a.py", "a.txt"):
        made = post_files(client, [(name, HOSTILE_CONTENT)])
        html = client.get(f"/s/{made['id']}/embed").get_data(as_text=True)
        assert_inert(html)
        assert "<img" not in html and "</script><script>" not in html


# -- what is not embedded -------------------------------------------------------------------

def test_a_burn_after_reading_snippet_is_refused_and_stays_unread(client, paste):
    made = paste("secret\n", burn="true")
    frame = client.get(f"/s/{made['id']}/embed")
    assert frame.status_code == 403 and "burn-after-reading" in frame.get_data(as_text=True)
    assert "secret" not in frame.get_data(as_text=True)
    script = client.get(f"/s/{made['id']}.js")
    assert script.status_code == 403 and "secret" not in script.get_data(as_text=True)
    assert Snippet.objects.filter(pk=made["id"]).exists()
    assert client.post(f"/s/{made['id']}/raw").get_data(as_text=True) == "secret\n"  # its one reading


def test_an_expired_snippet_is_a_410_frame_and_a_script_that_says_so(client, paste):
    made = paste("old\n")
    Snippet.objects.filter(pk=made["id"]).update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    frame = client.get(f"/s/{made['id']}/embed")
    assert frame.status_code == 410 and "expired" in frame.get_data(as_text=True)
    assert "X-Frame-Options" not in frame.headers and "frame-ancestors *" in frame.headers["Content-Security-Policy"]
    script = client.get(f"/s/{made['id']}.js")
    assert script.status_code == 200  # a browser runs no script answered 410
    assert "has expired" in Markup(run_script(script.get_data(as_text=True))).plain_text()


def test_a_removed_snippet_says_why(client, paste):
    made = paste("spam\n")
    takedown.remove(made["id"], "spam", None)
    frame = client.get(f"/s/{made['id']}/embed")
    assert frame.status_code == 410 and "removed" in frame.get_data(as_text=True)
    written = run_script(client.get(f"/s/{made['id']}.js").get_data(as_text=True))
    assert "removed for breaking the site" in written and "spam\n" not in written


def test_no_such_snippet_is_a_404_that_may_be_framed(client):
    frame = client.get("/s/nothing-here/embed")
    assert frame.status_code == 404 and "X-Frame-Options" not in frame.headers
    assert client.get("/s/nothing-here.js").status_code == 404


# -- the stylesheet -------------------------------------------------------------------------

def test_the_stylesheet_styles_the_embed_only(client):
    response = client.get("/s/embed.css")
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    css = re.sub(r"/\*.*?\*/", "", response.get_data(as_text=True), flags=re.DOTALL)
    selectors = [rule.split("{")[0].strip() for rule in css.split("}") if rule.strip()]
    assert any(".highlight .k" in selector for selector in selectors)  # the Pygments style is there
    for selector in selectors:
        for part in selector.split(","):
            assert part.strip().startswith(".composite-embed"), part


# -- size -----------------------------------------------------------------------------------

def test_a_512_kib_snippet_embeds_whole_in_both_forms(client):
    lines = [f"value_{n} = {n}  # a line of the biggest snippet" for n in range(12_000)]
    text = "\n".join(lines)[: 512 * 1024 - 1] + "\n"
    made = post_files(client, [("big.py", text)])
    last = text.splitlines()[-1]
    frame = client.get(f"/s/{made['id']}/embed").get_data(as_text=True)
    assert frame.rstrip().endswith("</html>") and last in Markup(frame).plain_text()
    written = run_script(client.get(f"/s/{made['id']}.js").get_data(as_text=True))
    assert last in Markup(written).plain_text()


# -- the offer on the snippet page ----------------------------------------------------------

def test_the_snippet_page_offers_the_embed_code_and_a_revision_page_does_not(client, paste):
    made = paste()
    html = client.get(f"/s/{made['id']}").get_data(as_text=True)
    assert f'''value='<script src="/s/{made['id']}.js"></script>'>''' in html  # made absolute by snippets.js
    assert 'data-copy-target="embed-code"' in html and f'href="/s/{made["id"]}/embed"' in html
    assert 'id="embed-code"' not in client.get(f"/s/{made['id']}/1").get_data(as_text=True)


# -- the paste site alone (manage.py runserver) ---------------------------------------------

def test_embeds_work_without_the_other_apps(monkeypatch):
    """No highlighter: the code is shown plain, and the stylesheet is the layout alone, briefly kept."""
    from django.test import Client

    for name in ("HIGHLIGHTER_URL", "DIFFVIEWER_URL", "SNIPPETS_URL", "SITE_NAV"):
        monkeypatch.delenv(name, raising=False)
    alone = Client()
    created = alone.post("/api/snippets", {"content": "x = 1 < 2\n"}).json()
    frame = alone.get(f"/s/{created['id']}/embed")
    assert frame.status_code == 200 and "x = 1 &lt; 2" in frame.content.decode()
    assert "X-Frame-Options" not in frame.headers
    written = run_script(alone.get(f"/s/{created['id']}.js").content.decode())
    assert "x = 1 < 2" in Markup(written).plain_text()
    css = alone.get("/s/embed.css")
    assert css.status_code == 200 and css.headers["Cache-Control"] == "public, max-age=60"
    assert ".composite-embed" in css.content.decode() and ".highlight .k" not in css.content.decode()
