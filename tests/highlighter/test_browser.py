"""The playground in headless Chromium: live results, the curl command it shows really works,
and nothing the visitor types runs as HTML. The page runs under its Content-Security-Policy
(no eval), so waits are Playwright's locator assertions, not page-side predicates."""

import json
import re
import subprocess

import pytest
from playwright.sync_api import expect
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from tests.browsers import chromium_browser
from tests.servers import free_port, running, site_environment

pytestmark = [pytest.mark.browser, pytest.mark.server]

CODE = "x = \"it's <b>bold</b>\"  # <img src=x onerror=alert(1)>\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    data = tmp_path_factory.mktemp("playground")
    port = free_port()
    with running("flask --app apps.highlighter run --port $PORT", site_environment(data), port,
                 data / "flask.log", ready_path="/_health"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def page(base):
    with chromium_browser() as browser:
        page = browser.new_page()
        dialogs, refused = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
        page.goto(base + "/")
        page.wait_for_selector("#preview .highlight")
        yield page
        assert dialogs == []
        assert refused == []  # the playground works within its CSP


def test_the_result_updates_as_you_type_and_pick(page):
    page.select_option('select[name="lexer"]', "python")  # the playground starts on auto-detect
    page.fill('textarea[name="code"]', CODE)
    expect(page.locator("#html-source")).to_have_value(re.compile("onerror"))
    assert page.input_value("#html-source") == highlight(CODE, PythonLexer(), HtmlFormatter())
    assert page.locator("#preview img").count() == 0 and page.locator("#preview b").count() == 0
    page.select_option('select[name="linenos"]', "table")
    page.wait_for_selector("#preview table.highlighttable")
    page.select_option('select[name="style"]', "monokai")
    expect(page.locator("#style-css")).to_have_attribute("href", re.compile("/styles/monokai.css"))


def test_errors_are_shown_as_text(page):
    page.fill('input[name="hl_lines"]', "<i>x</i>")
    page.wait_for_selector("#error:not([hidden])")
    assert "Highlight lines takes line numbers" in page.text_content("#error")  # said for a person
    assert "<i>x</i>" in page.text_content("#error") and page.locator("#error i").count() == 0


def test_the_curl_command_shown_gives_the_same_result(page):
    page.fill('textarea[name="code"]', CODE)
    page.fill('input[name="hl_lines"]', "1")
    expect(page.locator("#curl")).to_contain_text("hl_lines")
    expect(page.locator("#html-source")).to_have_value(re.compile("hll"))
    command = page.text_content("#curl")
    done = subprocess.run(["sh", "-c", command], capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["output"] == page.input_value("#html-source")


def test_copy_css_shows_the_stylesheet(page):
    page.click("#copy-css")
    expect(page.locator("#css-source")).to_have_value(re.compile(r"\.highlight"))
    assert page.input_value("#css-source") == HtmlFormatter().get_style_defs(".highlight")


def test_guessing_says_which_rule_detected_the_language(page):
    page.select_option('select[name="lexer"]', "")
    page.fill('textarea[name="code"]', "#!/usr/bin/env node\nconsole.log(1)\n")
    expect(page.locator("#status")).to_have_text("Lexer: JavaScript (detected by the #! line, 100 % sure)")
    page.fill('textarea[name="code"]', "Dear all, the meeting moves to noon on Thursday.\n")
    expect(page.locator("#status")).to_have_text("Lexer: Text only (no language detected surely enough)")
