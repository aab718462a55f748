"""The pages of several files and revisions in a real browser (issue 13): line marks in the
second file of a two-file snippet, copying a file's code, a Markdown file rendered with a
working switch to its source, and the owner adding a file (without JavaScript's help: the
form's "Add another file" button), which makes revision 2 and shows in the history. The site
is the Procfile's gunicorn; the browser is Debian's Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.browsers import chromium_browser
from tests.servers import running_site

pytestmark = [pytest.mark.browser, pytest.mark.server]

APP = "def main():\n    return 1\n"
UTIL = "A = 1\nB = 2\nC = 3\nD = 4\n"
README = "# Read me\n\nSome *emphasis* here.\n"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    with running_site(tmp_path_factory.mktemp("files-site")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site_url):
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def paste_files(page, site_url, *files):
    """Create a snippet through the API (as curl would); returns its page URL."""
    body = {"files": [{"filename": name, "content": content} for name, content in files]}
    response = page.request.post(site_url + "/api/snippets", data=body)
    assert response.status == 201, response.text()
    return response.json()["url"]


def test_lines_of_the_second_file_are_marked_by_a_click_and_by_the_url(page, site_url):
    url = paste_files(page, site_url, ("app.py", APP), ("util.py", UTIL))
    page.goto(url)
    page.locator("[id='util.py-L2']").click()
    page.locator("[id='util.py-L4']").click(modifiers=["Shift"])
    assert page.url.endswith("#util.py-L2-L4")
    expect(page.locator(".code-view span.marked")).to_have_count(3)
    expect(page.locator("[id='util.py-L-3']")).to_have_class(re.compile(r"\bmarked\b"))  # and hll: the style's colour
    expect(page.locator("[id='app.py-L-2']")).not_to_have_class(re.compile(r"\bmarked\b"))

    page.goto(url + "#app.py-L2")
    expect(page.locator("[id='app.py-L-2']")).to_have_class(re.compile(r"\bmarked\b"))
    expect(page.locator(".code-view span.marked")).to_have_count(1)

    util = page.locator("section.file", has=page.locator("[id='util.py']"))
    util.get_by_role("button", name="Copy code").click()
    expect(util.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == UTIL
    assert page.errors == []


def test_a_markdown_file_is_rendered_and_its_source_is_one_click_away(page, site_url):
    url = paste_files(page, site_url, ("README.md", README), ("app.py", APP))
    page.goto(url)
    readme = page.locator("section.file", has=page.locator("[id='README.md']"))
    expect(readme.locator(".markdown-body em")).to_have_text("emphasis")
    expect(readme.locator(".markdown-body h1")).to_have_text("Read me")
    with page.expect_navigation():
        readme.get_by_role("link", name="Source").click()
    expect(readme.locator(".markdown-body")).to_have_count(0)
    expect(readme.locator("[id='README.md-L-3']")).to_contain_text("Some *emphasis* here.")
    with page.expect_navigation():
        readme.get_by_role("link", name="Rendered").click()
    expect(readme.locator(".markdown-body em")).to_have_text("emphasis")
    assert page.errors == []


def test_the_owner_adds_a_file_and_finds_revision_2_in_the_history(page, site_url):
    page.goto(site_url + "/")
    page.get_by_label("File name").fill("app.py")
    page.locator("textarea[name=content]").fill(APP)
    with page.expect_navigation():
        page.get_by_role("button", name="Add another file").click()
    page.locator("[name='file2-filename']").fill("util.py")
    page.locator("textarea[name='file2-content']").fill(UTIL)
    with page.expect_navigation():
        page.get_by_role("button", name="Paste").click()
    url = page.url
    expect(page.locator(".file-heading")).to_have_text(["app.py", "util.py"])

    with page.expect_navigation():
        page.locator(".actions").get_by_role("link", name="edit").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Add another file").click()
    page.locator("[name='file3-filename']").fill("notes.txt")
    page.locator("textarea[name='file3-content']").fill("remember\n")
    with page.expect_navigation():
        page.get_by_role("button", name="Save revision").click()
    assert page.url == url
    expect(page.get_by_text("Saved as revision 2.")).to_be_visible()
    expect(page.locator(".file-heading")).to_have_text(["app.py", "util.py", "notes.txt"])
    expect(page.locator(".revision-count")).to_have_text("revision 2 of 2")

    with page.expect_navigation():
        page.get_by_role("link", name="history").click()
    expect(page.locator(".history-revision")).to_have_count(2)
    expect(page.locator(".history-revision").first).to_contain_text("Revision 2 (latest)")
    with page.expect_navigation():
        page.get_by_role("link", name="Revision 1", exact=True).click()
    assert re.search(r"/s/[\w-]+/1$", page.url)
    expect(page.locator(".file-heading")).to_have_text(["app.py", "util.py"])
    assert page.errors == []
