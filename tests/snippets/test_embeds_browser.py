"""Embeds in a real browser (issue 13), from a page of another origin: a hostile snippet (its
content, title and file names full of markup and script) embedded both ways, with
``<script src=".../s/<id>.js">`` and ``<iframe src=".../s/<id>/embed">``, shows its text and
runs nothing: no dialog, and the flag every payload would set stays undefined. The embed frame
loads while the snippet's own page in a frame is blocked. The site is the Procfile's gunicorn
on 127.0.0.1; the embedding pages are served by a small server on ``localhost`` and another
port (another site); the browser is Debian's Chromium."""

import contextlib
import os
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browsers import chromium_browser
from tests.servers import running_site

pytestmark = [pytest.mark.browser, pytest.mark.server]

FLAG = "pwned"
PAYLOADS = [
    f"</script><script>window.{FLAG}=1;alert(1)</script>",
    "<!--",
    f"\"'><img src=x onerror=\"window.{FLAG}=1;alert(2)\">",
    f"${{window.{FLAG}=1}}`",
    "a\u2028b\u2029c",
    f"<svg onload=window.{FLAG}=1>",
]
CONTENT = "print('visible embed text')\n" + "\n".join(PAYLOADS) + "\n"
TITLE = f"</script><script>window.{FLAG}=1</script><img src=x onerror=window.{FLAG}=1>"
NAMES = [f"\"'><img src=x onerror=window.{FLAG}=1>.py", f"<!--<script>window.{FLAG}=1<.txt"]


@pytest.fixture(scope="module")
def site_directory(tmp_path_factory):
    return tmp_path_factory.mktemp("embeds-site")


@pytest.fixture(scope="module")
def site_url(site_directory):
    with running_site(site_directory) as url:
        yield url


@pytest.fixture
def site_database(site_directory):
    """The site's SQLite file, to expire a snippet in (as time would)."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the site uses DATABASE_URL; this test expires a snippet in its SQLite file")
    return site_directory / "composite.sqlite3"


class HostPages(BaseHTTPRequestHandler):
    """Serves ``pages``: path -> (HTML, extra headers), the embedding site's pages."""

    pages = {}

    def do_GET(self):  # noqa: N802 -- http.server's name
        html, headers = self.pages.get(self.path, ("not here", {}))
        body = html.encode()
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def other_origin():
    """``(base URL, pages)`` of another site: ``localhost`` on a port of its own."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}", HostPages.pages
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(site_url):
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.dialogs = []
    page.errors = []

    def dismiss(dialog):
        page.dialogs.append(dialog.message)
        with contextlib.suppress(Exception):
            dialog.dismiss()

    page.on("dialog", dismiss)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def paste(page, site_url, files, title=""):
    body = {"files": [{"filename": name, "content": content} for name, content in files], "title": title}
    response = page.request.post(site_url + "/api/snippets", data=body)
    assert response.status == 201, response.text()
    return response.json()


def host(other_origin, path, body, headers=None):
    base, pages = other_origin
    pages[path] = (f"<!doctype html><html><head><meta charset=utf-8><title>Another site</title></head>"
                   f"<body><h1>Another site</h1>{body}<p id=after>after the embeds</p></body></html>", headers or {})
    return base + path


def test_a_hostile_snippet_embedded_both_ways_shows_its_text_and_runs_nothing(page, site_url, other_origin):
    made = paste(page, site_url, [(NAMES[0], CONTENT), (NAMES[1], "`${1}`\n</SCRIPT >\n")], title=TITLE)
    snippet = f"{site_url}/s/{made['id']}"
    url = host(other_origin, "/hostile.html",
               f'<div id="by-script"><script src="{snippet}.js"></script></div>'
               f'<iframe id="framed" src="{snippet}/embed" width="700" height="400"></iframe>'
               f'<iframe id="page-itself" src="{snippet}" width="700" height="200"></iframe>')
    page.goto(url, wait_until="load")

    written = page.locator("#by-script .composite-embed")
    expect(written.locator(".composite-embed-code").first).to_contain_text("print('visible embed text')")
    for payload in PAYLOADS[:3]:
        expect(written).to_contain_text(payload.replace("\u2028", "").replace("\u2029", ""))
    expect(written.locator(".composite-embed-name")).to_have_text(NAMES)
    expect(written.locator(".composite-embed-foot a")).to_have_text(TITLE)
    assert written.evaluate("e => getComputedStyle(e.querySelector('.composite-embed-file')).borderTopWidth") == "1px"
    expect(page.locator("#after")).to_be_visible()  # the page goes on after the script

    framed = page.frame_locator("#framed")
    expect(framed.locator(".composite-embed-code").first).to_contain_text("print('visible embed text')")
    expect(framed.locator(".composite-embed-name")).to_have_text(NAMES)
    styled = framed.locator(".composite-embed-file").first
    assert styled.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"  # its stylesheet loads in the sandbox

    blocked = page.locator("#page-itself").element_handle().content_frame()
    assert blocked.url != snippet  # Chromium's error page instead: X-Frame-Options DENY
    assert page.frame_locator("#page-itself").locator(".code-view").count() == 0

    assert page.evaluate(f"typeof window.{FLAG}") == "undefined"
    for frame in page.frames:
        assert frame.evaluate(f"typeof window.{FLAG}") == "undefined", frame.url
    assert page.dialogs == []
    assert page.errors == []


def test_the_frames_links_open_the_snippet_in_a_tab_of_its_own(page, site_url, other_origin):
    made = paste(page, site_url, [("app.py", "print('framed')\n")])
    url = host(other_origin, "/link.html", f'<iframe id="framed" src="{site_url}/s/{made["id"]}/embed"></iframe>')
    page.goto(url)
    with page.context.expect_page() as opened:
        page.frame_locator("#framed").locator(".composite-embed-name").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == made["url"]
    expect(tab.get_by_role("button", name="Copy code")).to_be_visible()  # its script runs: not sandboxed


def test_the_snippet_page_offers_the_script_tag_with_its_absolute_url_to_copy(browser, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        made = paste(page, site_url, [("app.py", "print('offered')\n")])
        page.goto(made["url"])
        tag = f'<script src="{site_url}/s/{made["id"]}.js"></script>'
        expect(page.locator("#embed-code")).to_have_value(tag)
        page.get_by_role("button", name="Copy embed code").click()
        expect(page.get_by_role("button", name="Copied")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == tag
    finally:
        context.close()


def test_a_page_that_requires_corp_loads_the_script_and_its_stylesheet(page, site_url, other_origin):
    made = paste(page, site_url, [("app.py", "print('isolated')\n")])
    url = host(other_origin, "/isolated.html", f'<div id="by-script"><script src="{site_url}/s/{made["id"]}.js"></script></div>',
               {"Cross-Origin-Embedder-Policy": "require-corp", "Cross-Origin-Opener-Policy": "same-origin"})
    page.goto(url, wait_until="load")
    assert page.evaluate("crossOriginIsolated") is True
    written = page.locator("#by-script .composite-embed-file")
    expect(written).to_contain_text("print('isolated')")
    assert written.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"


def test_a_deleted_snippets_frame_and_an_expired_snippets_script_say_so(page, site_url, other_origin, site_database):
    deleted = paste(page, site_url, [("a.py", "x = 1\n")])
    page.request.delete(f"{site_url}/api/snippets/{deleted['id']}",
                        headers={"Authorization": f"Token {deleted['delete_token']}"})
    expired = paste(page, site_url, [("b.py", "y = 2\n")])
    with sqlite3.connect(site_database) as database:
        database.execute("UPDATE snippets_snippet SET expires_at = '2000-01-01 00:00:00' WHERE id = ?", [expired["id"]])
    url = host(other_origin, "/gone.html", f'<iframe id="framed" src="{site_url}/s/{deleted["id"]}/embed"></iframe>'
                                           f'<div id="by-script"><script src="{site_url}/s/{expired["id"]}.js"></script></div>')
    page.goto(url, wait_until="load")
    expect(page.frame_locator("#framed").locator(".composite-embed-notice")).to_contain_text("no such snippet")
    expect(page.locator("#by-script .composite-embed-notice")).to_have_text("This snippet has expired.")
    expect(page.locator("#after")).to_be_visible()
    assert page.dialogs == [] and page.errors == []
