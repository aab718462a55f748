"""The highlighter's playground (issue 3): the preview follows the code and the options live,
through browser JavaScript calling the JSON API; the HTML and CSS can be copied; the curl
command shown does the same request."""

import json
import re
import shlex
import shutil
import subprocess

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.server]


def open_playground(page, site_url):
    page.goto(site_url + "/highlight/")
    expect(page.locator("#preview .highlight")).to_be_visible()  # the first render needs no click


def code_box(page):
    return page.get_by_role("textbox", name="Code", exact=True)


def computed(page, selector, prop):
    return page.locator(selector).first.evaluate(f"el => getComputedStyle(el).{prop}")


def run_curl(command):
    """The JSON the shown curl command answers: run by sh when curl is installed, else replayed."""
    if shutil.which("curl"):
        done = subprocess.run(["sh", "-c", command], capture_output=True, check=True, timeout=15)
        return json.loads(done.stdout)
    argv = shlex.split(command.replace("\\\n", " "))
    assert argv[:2] == ["curl", "-sS"] and "--data-binary" in argv, command
    body = argv[argv.index("--data-binary") + 1]
    headers = dict(h.split(": ", 1) for h in argv[argv.index("-H") + 1 :: 2] if ": " in h)
    return httpx.post(argv[2], content=body.encode(), headers=headers, timeout=15).json()


def test_the_preview_follows_the_code_and_the_style_without_a_submit(page, watch, site_url, screenshot):
    open_playground(page, site_url)
    address = page.url
    preview = page.locator("#preview")

    # Typing changes the preview: no button is pressed, the page does not navigate.
    code_box(page).fill("")
    code_box(page).press_sequentially("while True:\n    goodbye()", delay=5)
    expect(preview).to_contain_text("goodbye()")
    expect(preview.locator("span.k", has_text="while")).to_have_count(1)
    expect(preview.locator("span.kc", has_text="True")).to_have_count(1)
    assert page.url == address
    expect(page.locator("#curl")).to_contain_text("goodbye()")

    # Another style recolours the same markup.
    keyword, background = computed(page, "#preview .k", "color"), computed(page, "#preview .highlight", "backgroundColor")
    page.locator("select[name=style]").select_option("monokai")
    page.wait_for_function(
        "bg => getComputedStyle(document.querySelector('#preview .highlight')).backgroundColor !== bg", arg=background
    )
    assert computed(page, "#preview .k", "color") != keyword
    expect(page.locator("#curl")).to_contain_text('"style":"monokai"')
    screenshot(page, "playground")

    # Options change the markup: line numbers as a table, then inline styles instead of classes.
    page.locator("select[name=linenos]").select_option("table")
    expect(preview.locator("table td.linenos")).to_have_count(1)
    page.get_by_role("checkbox", name="inline styles").check()
    expect(preview.locator("span[style]").first).to_be_attached()
    expect(preview.locator("span.k")).to_have_count(0)
    assert page.url == address
    assert watch.errors == [] and watch.dialogs == []


def test_copy_the_html_and_the_css(page, context, watch, site_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    open_playground(page, site_url)
    expect(page.locator("#preview")).to_contain_text("Hello")

    page.get_by_role("button", name="Copy the HTML").click()
    expect(page.locator("#copied")).to_have_text("HTML copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith('<div class="highlight"><pre>') and "Hello" in copied
    assert copied == page.locator("#html-source").input_value()

    page.get_by_role("button", name="Copy the CSS").click()
    expect(page.locator("#copied")).to_have_text("CSS copied.")
    css = page.evaluate("navigator.clipboard.readText()")
    assert ".k {" in css or ".k{" in css.replace(" ", ""), css[:300]
    assert css == page.request.get(site_url + "/highlight/styles/default.css").text()
    assert watch.errors == [] and watch.dialogs == []


def test_the_curl_command_answers_what_the_preview_shows(page, watch, site_url):
    open_playground(page, site_url)
    code_box(page).fill("print('it\\'s the same')\n")
    page.locator("select[name=style]").select_option("emacs")
    expect(page.locator("#curl")).to_contain_text('"style":"emacs"')
    html = page.locator("#html-source")
    expect(html).to_have_value(re.compile("the same"))
    shown = html.input_value()

    answer = run_curl(page.locator("#curl").inner_text())
    assert answer["output"] == shown
    assert answer["style"] == "emacs" and answer["lexer"]["alias"] == "python"
    assert watch.errors == [] and watch.dialogs == []


def test_the_lexer_is_detected_unless_chosen_and_a_bad_line_number_is_said_in_words(page, watch, site_url):
    """As on the paste form, the language starts at auto-detect; "Highlight lines" that are not
    numbers get a sentence, not the API's "got [None]"."""
    open_playground(page, site_url)
    expect(page.locator("select[name=lexer]")).to_have_value("")
    expect(page.locator("#status")).to_contain_text("Lexer: Python (detected by")
    page.get_by_label("Highlight lines").fill("2, x")
    error = page.locator("#error")
    expect(error).to_have_text("Highlight lines takes line numbers separated by commas or spaces, such as 2,4; “x” is not one.")
    page.get_by_label("Highlight lines").fill("2")
    expect(error).to_be_hidden()
    expect(page.locator("#preview .hll")).to_have_count(1)
    assert watch.errors == [] and watch.dialogs == []
