"""The detected language in a real browser (issue 12): an unnamed Python snippet pasted through
the form says "Python (detected)"; its owner picks another language in one click and sees the
page made again with it; another browser (no delete token) sees the new language and no
correction control. The site is the Procfile's gunicorn; the browser is Debian's Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browsers import chromium_browser
from tests.e2e.steps import paste, snippet_id
from tests.servers import running_site

pytestmark = [pytest.mark.browser, pytest.mark.server]

PYTHON = """import os


def main():
    for name in sorted(os.listdir(".")):
        print(name)


if __name__ == "__main__":
    main()
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    with running_site(tmp_path_factory.mktemp("language-site")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site_url):
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def contexts(browser):
    """Two visitors with their own cookies: the owner, and someone who only has the link."""
    opened = [browser.new_context(), browser.new_context()]
    for context in opened:
        context.set_default_timeout(10_000)
    yield opened
    for context in opened:
        context.close()


def test_the_owner_corrects_a_detected_language_in_one_click(contexts, site_url):
    owner, stranger = (context.new_page() for context in contexts)
    errors = []
    for page in (owner, stranger):
        page.on("pageerror", lambda error: errors.append(str(error)))

    url = paste(owner, site_url, PYTHON)  # no file name, language auto
    language = owner.locator(".meta .language")
    expect(language).to_have_text("Python (detected)")
    expect(owner.locator(".code-view .nn").first).to_have_text("os")  # Python's namespace token

    owner.get_by_label("Language").select_option("ruby")
    with owner.expect_navigation():
        owner.get_by_role("button", name="Set language").click()
    assert owner.url == url  # the same snippet: no fork, no new id
    expect(language).to_have_text("Ruby")
    expect(owner.locator(".code-view .nn")).to_have_count(0)  # made again with Ruby's lexer
    expect(owner.get_by_label("Language")).to_have_value("ruby")

    stranger.goto(url)
    expect(stranger.locator(".meta .language")).to_have_text("Ruby")
    expect(stranger.get_by_role("button", name="Set language")).to_have_count(0)
    expect(stranger.locator("form.language-picker")).to_have_count(0)
    assert snippet_id(stranger.url) == snippet_id(url)
    assert errors == []
