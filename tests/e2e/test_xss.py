"""Hostile input is shown as text on every page that shows it.

Each test fails if a dialog opens (an ``alert`` ran), if the DOM holds anything only an
injection could have put there (``img[src=x]``, an ``on*`` attribute our templates do not use,
a ``javascript:`` link, a ``<script>`` mentioning ``alert``), or if the page's
Content-Security-Policy had to block something — and it checks the text is there to read.
"""

import json
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import assert_nothing_injected, injected, open_fork_form, paste, save_fork

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">click me</a>'
JS_URL = "javascript:alert(1)"
SVG = '"><svg onload=alert(1)>'
QUOTE = "' onmouseover='alert(1)"
END_TEXTAREA = "</textarea><script>alert(1)</script>"
END_TITLE = "</title><img src=x onerror=alert(1)>"

LINES = [SCRIPT, IMG, LINK, JS_URL, SVG, QUOTE, END_TEXTAREA, END_TITLE]
TEXT = "".join(line + "\n" for line in LINES)
TITLE = SVG + QUOTE + SCRIPT
FILENAME = IMG + QUOTE + '"><svg onload=alert(1)>.html'


def lf(text):
    """A textarea's lines come back from a form with CRLF; compare the text itself."""
    return text.replace("\r\n", "\n")


def as_in_curl(text):
    """How the playground's curl command writes a string: JSON inside a single-quoted shell word."""
    return json.dumps(text)[1:-1].replace("'", "'\\''")


def expect_lines(locator, lines=LINES):
    for line in lines:
        expect(locator).to_contain_text(line)


def expect_marks(page, deleted, inserted):
    """Every word mark on the diff page is the one changed character."""
    expect(page.locator("table.diff del").first).to_be_visible()
    assert set(page.locator("table.diff del").all_inner_texts()) == {deleted}
    assert set(page.locator("table.diff ins").all_inner_texts()) == {inserted}


def test_a_hostile_paste_is_text_on_every_page_that_shows_it(page, watch, site_url):
    """Create form → snippet page → raw → My snippets → fork form → fork → compare with parent."""
    snippet_url = paste(page, site_url, TEXT, title=TITLE, filename=FILENAME, lexer="html")
    expect(page.locator("h1")).to_have_text(TITLE)
    assert TITLE in page.title()
    expect(page.locator(".meta")).to_contain_text(FILENAME)
    expect_lines(page.locator(".code-view .code"))
    assert_nothing_injected(page, watch)

    # Every line number and style still works on the hostile text.
    page.locator(".code-view .gutter #L3").click()
    expect(page).to_have_url(re.compile(r"#L3$"))
    page.locator("select[name=style]").select_option("monokai")
    page.wait_for_url(re.compile(r"style=monokai"))
    expect_lines(page.locator(".code-view .code"))
    assert_nothing_injected(page, watch)

    page.goto(snippet_url + "/raw")
    assert lf(page.locator("body").inner_text()).rstrip("\n") == TEXT.rstrip("\n")
    assert_nothing_injected(page, watch)

    page.goto(site_url + "/mine")
    expect(page.locator("ul.mine")).to_contain_text(TITLE)
    assert_nothing_injected(page, watch)

    page.goto(snippet_url)
    open_fork_form(page)
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_label("File name")).to_have_value(FILENAME)
    assert lf(page.locator("textarea[name=content]").input_value()) == TEXT
    assert_nothing_injected(page, watch)

    save_fork(page, TEXT.replace(JS_URL, "javascript:alert(2)"))
    expect(page.locator(".revisions")).to_contain_text(TITLE)
    assert_nothing_injected(page, watch)

    with page.expect_navigation():
        page.get_by_role("link", name="compare with parent").click()
    expect_marks(page, "1", "2")
    expect_lines(page.locator("table.diff"), [line for line in LINES if line != JS_URL])
    assert_nothing_injected(page, watch)


def test_a_hostile_language_is_refused_and_the_form_keeps_the_rest_as_text(page, watch, site_url):
    """The language menu is a <select>, but a browser can send any value: the error and the
    re-filled fields show it all as text."""
    page.goto(site_url + "/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("File name").fill(FILENAME)
    page.locator("textarea[name=content]").fill(TEXT)
    page.locator("select[name=lexer]").evaluate(
        "(select, value) => { select.add(new Option(value, value)); select.value = value; }", SVG + SCRIPT
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Paste").click()
    expect(page.locator(".errorlist").filter(has_text="Unknown language")).to_contain_text(SVG)
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_label("File name")).to_have_value(FILENAME)
    assert lf(page.locator("textarea[name=content]").input_value()) == TEXT
    assert_nothing_injected(page, watch)


def test_hostile_upload_names_on_the_paste_and_diff_pages(page, watch, site_url):
    """An uploaded file's name becomes the snippet's file name, and a diff side's name."""
    upload_name = IMG + "' onmouseover='alert(1).txt"  # a browser sends " in a file name as %22
    upload = {"name": upload_name, "mimeType": "text/plain", "buffer": TEXT.encode()}
    page.goto(site_url + "/")
    page.locator("input[name=upload]").set_input_files(upload)
    with page.expect_navigation():
        page.get_by_role("button", name="Paste").click()
    expect(page.locator(".meta")).to_contain_text(upload_name)
    expect_lines(page.locator(".code-view .code"))
    assert_nothing_injected(page, watch)

    page.goto(site_url + "/diff/")
    page.locator("input[name=left_file]").set_input_files(upload)
    page.locator("input[name=right_file]").set_input_files({**upload, "buffer": TEXT.replace("(1)", "(2)", 1).encode()})
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    expect(page.locator("h1")).to_contain_text(upload_name)
    expect_lines(page.locator("table.diff"), LINES[1:])
    assert_nothing_injected(page, watch)


def test_hostile_names_and_texts_on_the_diff_page(page, watch, site_url, screenshot):
    """The diff form's file names and texts, in both views and in the form refilled below."""
    page.goto(site_url + "/diff/")
    screenshot(page, "diff-form")
    page.locator("input[name=left_name]").fill(FILENAME)
    page.locator("input[name=right_name]").fill(TITLE)
    page.locator("textarea[name=left]").fill(TEXT)
    page.locator("textarea[name=right]").fill(TEXT.replace(SCRIPT, "<script>alert(2)</script>"))
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    expect(page.locator("h1 .names")).to_have_text(f"{FILENAME} → {TITLE}")
    assert TITLE in page.title()
    expect_marks(page, "1", "2")
    expect_lines(page.locator("table.diff"), LINES[1:])
    assert_nothing_injected(page, watch)

    with page.expect_navigation():
        page.get_by_role("button", name="Side by side").click()
    expect(page.locator("table.diff.side-by-side")).to_be_visible()
    expect(page.locator("h1 .names")).to_have_text(f"{FILENAME} → {TITLE}")
    expect_lines(page.locator("table.diff"), LINES[1:])
    assert_nothing_injected(page, watch)

    page.get_by_text("Change the texts or options").click()
    expect(page.locator("input[name=left_name]")).to_have_value(FILENAME)
    expect(page.locator("input[name=right_name]")).to_have_value(TITLE)
    assert lf(page.locator("textarea[name=left]").input_value()) == TEXT
    assert_nothing_injected(page, watch)


@pytest.mark.parametrize("left, right", [(JS_URL, IMG), (SVG, QUOTE), ("/s/" + SCRIPT + "/raw", "/s/x" + QUOTE + "/raw")])
def test_hostile_compare_references_are_refused_as_text(page, watch, site_url, left, right):
    response = page.goto(f"{site_url}/diff/compare?left={quote(left)}&right={quote(right)}")
    assert response.status == 400
    expect(page.locator("body")).to_contain_text("refused")
    assert_nothing_injected(page, watch)


@pytest.mark.parametrize("path", ["/s/", "/diff/", "/highlight/", "/s/abc/"])
def test_hostile_paths_on_error_pages(page, watch, site_url, path):
    response = page.goto(site_url + path + quote(SVG + SCRIPT + QUOTE))
    assert response.status == 404
    assert_nothing_injected(page, watch)


def test_the_playground_shows_hostile_code_and_its_curl_command_as_text(page, watch, site_url):
    page.goto(site_url + "/highlight/")
    expect(page.locator("#preview .highlight")).to_be_visible()
    page.locator("select[name=lexer]").select_option("html")
    page.get_by_role("textbox", name="Code", exact=True).fill(TEXT)
    preview = page.locator("#preview")
    expect_lines(preview)
    expect(preview.locator(".nt").first).to_be_attached()  # highlighted as HTML, not run as HTML
    expect_lines(page.locator("#curl"), [as_in_curl(line) for line in LINES])
    assert_nothing_injected(page, watch)

    # A hostile lexer and style name reach the API and come back in its error message: as text.
    for name in ("lexer", "style"):
        page.locator(f"select[name={name}]").evaluate(
            "(select, value) => { select.add(new Option(value, value)); select.value = value;"
            " select.dispatchEvent(new Event('change', {bubbles: true})); }",
            SVG + IMG,
        )
        expect(page.locator("#error")).to_be_visible()
        expect(page.locator("#error")).to_contain_text(SVG + IMG)
        expect(page.locator("#curl")).to_contain_text(as_in_curl(SVG + IMG))
        assert_nothing_injected(page, watch)
        page.locator(f"select[name={name}]").select_option({"lexer": "html", "style": "default"}[name])
        expect(page.locator("#error")).to_be_hidden()


def test_the_checks_would_notice_an_injection(page, watch):
    """Guard against checks that cannot fail: the same payloads as live HTML are all found."""
    page.set_content("<p>x</p>")
    page.evaluate("html => { document.body.insertAdjacentHTML('beforeend', html); }", "".join(LINES[1:6]) + TITLE)
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'alert(3)'; document.body.append(s); }")
    found = " ".join(injected(page))
    for needle in ("img[src=x]", "onerror", "onload", "javascript:", "onmouseover", "script with alert"):
        assert needle in found
    assert any(dialog.startswith("alert: 3") for dialog in watch.dialogs)  # the dialog listener works
