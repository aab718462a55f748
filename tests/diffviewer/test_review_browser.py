"""The review page in headless Chromium: a multi-file patch, both views, folding, jumps, a phone."""

from pathlib import Path

import pytest

from tests.browsers import chromium_browser
from tests.servers import free_port, migrate, procfile_command, running, site_environment

pytestmark = [pytest.mark.browser, pytest.mark.server]

PATCH = (Path(__file__).parent / "patches" / "format-patch-series.mbox").read_text(encoding="utf-8")
LONG_LINE = "--- a/wide.txt\n+++ b/wide.txt\n@@ -1 +1 @@\n-" + "x" * 400 + "\n+" + "y" * 400 + "\n"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("review-browser-site")
    env = site_environment(data)
    migrate(env)
    port = free_port()
    with running(procfile_command(), env, port, data / "gunicorn.log"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def browser():
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def page(browser):
    return browser.new_page()


def submit(page, site_url, patch, view="unified"):
    page.goto(site_url + "/diff/review")
    page.fill('textarea[name="patch"]', patch)
    page.select_option('select[name="view"]', view)
    page.click('button:has-text("Review")')
    page.wait_for_selector("details.file")


def test_the_review_of_a_multi_file_patch_in_both_views(page, site_url):
    submit(page, site_url, PATCH)
    assert page.locator("details.file").count() == 9
    assert page.locator(".file-list li").count() == 9
    assert "9 files changed" in page.inner_text(".totals")
    assert page.locator("table.diff.unified").count() == 6
    assert page.inner_text("#f2-L11 + td.num + td.code") == "    return value * 3 + 9  # computed"
    page.click('button:has-text("Side by side")')
    page.wait_for_selector("table.diff.side-by-side")
    assert page.locator("table.diff.side-by-side").count() == 6
    assert page.inner_text("#f2 del") == "3" and page.inner_text("#f2 ins") == "33"


def test_a_file_collapses_and_a_jump_link_opens_it_again(page, site_url):
    submit(page, site_url, PATCH)
    page.click("#f2 > summary")
    assert not page.is_visible("#f2-L11")
    page.click('.file-list a[href="#f2"]')
    page.wait_for_selector("#f2-L11", state="visible")
    page.click("#f2 > summary")
    page.evaluate("location.hash = '#f2-R11'")
    page.wait_for_selector("#f2-R11", state="visible")


@pytest.mark.parametrize("view", ["unified", "side-by-side"])
def test_nothing_spills_sideways_on_a_phone(browser, site_url, view):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    submit(page, site_url, PATCH + LONG_LINE, view)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => !e.closest('table.diff') && e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className)""")
    assert wide == []


def test_the_sites_csp_blocks_nothing_the_review_uses(page, site_url):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    submit(page, site_url, PATCH)
    page.click("#f1 > summary")
    assert violations == []
