"""The diff page in headless Chromium: folded lines expand, and a link to a folded line opens it."""

from pathlib import Path

import pytest

from tests.browsers import chromium_browser
from tests.servers import free_port, migrate, procfile_command, running, site_environment

pytestmark = [pytest.mark.browser, pytest.mark.server]

NUMBERED = "".join(f"line {i}\n" for i in range(1, 101))


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-site")
    env = site_environment(data)
    migrate(env)
    port = free_port()
    with running(procfile_command(), env, port, data / "gunicorn.log"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def page(site_url):
    with chromium_browser() as browser:
        yield browser.new_page()


def submit(page, site_url, left, right):
    page.goto(site_url + "/diff/")
    page.fill('textarea[name="left"]', left)
    page.fill('textarea[name="right"]', right)
    page.click('button[type="submit"]')
    page.wait_for_selector("table.diff")


def test_folded_lines_expand_and_fold_again(page, site_url):
    submit(page, site_url, NUMBERED, NUMBERED.replace("line 50\n", "fifty\n"))
    assert not page.is_visible("#L10")
    page.click("text=Show 46 unchanged lines")
    assert page.is_visible("#L10")
    page.click("text=Hide unchanged lines")
    assert not page.is_visible("#L10")


def test_a_link_to_a_folded_line_opens_its_run(page, site_url):
    submit(page, site_url, NUMBERED, NUMBERED.replace("line 50\n", "fifty\n"))
    page.evaluate("location.hash = '#R80'")
    page.wait_for_selector("#R80", state="visible")


def test_a_moved_line_looks_moved_and_its_link_leads_to_the_other_side(page, site_url):
    """Moved lines differ from plain removals and additions; each side's link jumps to the other."""
    moved, stay = "def render(page):\n    return '<b>' + page + '</b>'\n", "x = 1\ny = 2\nz = 3\n"
    submit(page, site_url, moved + stay + "old line\n", stay + moved + "new line\n")

    def background(selector):
        return page.eval_on_selector(selector, "cell => getComputedStyle(cell).backgroundColor")

    assert background("tr.delete.moved td.code") != background("tr.delete:not(.moved) td.code")
    assert background("tr.add.moved td.code") != background("tr.add:not(.moved) td.code")
    assert page.inner_text("tr.delete.moved td.code >> nth=1") == "    return '<b>' + page + '</b>'"
    page.click("tr.delete.moved a.moved-link >> nth=0")
    page.wait_for_function("location.hash === '#R4' && document.querySelector('#R4:target') !== null")
    page.click("tr.add.moved a.moved-link >> nth=1")
    page.wait_for_function("location.hash === '#L2' && document.querySelector('#L2:target') !== null")


def test_scripts_in_the_texts_do_not_run(page, site_url):
    messages = []
    page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    submit(page, site_url, "<script>alert(1)</script>\n", "<img src=x onerror=alert(2)>\n")
    assert page.inner_text("td.code >> nth=0") == "<script>alert(1)</script>"
    assert messages == []


def test_the_patch_downloads_from_the_diff_page(page, site_url):
    submit(page, site_url, "a\n", "b\n")
    with page.expect_download() as download:
        page.click("text=Download .patch")
    assert download.value.suggested_filename == "diff.patch"
    assert Path(download.value.path()).read_text() == "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n"


def test_the_sites_csp_blocks_nothing_the_pages_use(page, site_url):
    """Under ``script-src 'self'`` (no inline script) and inline styles only, every page works."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    submit(page, site_url, NUMBERED, NUMBERED.replace("line 50\n", "fifty\n"))
    page.click("text=Show 46 unchanged lines")
    page.goto(site_url + "/diff/")
    page.goto(site_url + "/diff/compare?left=nothing")
    assert violations == []
