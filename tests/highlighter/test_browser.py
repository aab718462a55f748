"""The playground in headless Chromium: live results, the curl command it shows really works,
and nothing the visitor types runs as HTML."""

import json
import subprocess

import pytest
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
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(base + "/")
        page.wait_for_selector("#preview .highlight")
        yield page
        assert dialogs == []


def test_the_result_updates_as_you_type_and_pick(page):
    page.fill('textarea[name="code"]', CODE)
    page.wait_for_function("document.querySelector('#html-source').value.includes('onerror')")
    assert page.input_value("#html-source") == highlight(CODE, PythonLexer(), HtmlFormatter())
    assert page.locator("#preview img").count() == 0 and page.locator("#preview b").count() == 0
    page.select_option('select[name="linenos"]', "table")
    page.wait_for_selector("#preview table.highlighttable")
    page.select_option('select[name="style"]', "monokai")
    page.wait_for_function("document.querySelector('#style-css').href.includes('/styles/monokai.css')")


def test_errors_are_shown_as_text(page):
    page.fill('input[name="hl_lines"]', "<i>x</i>")
    page.wait_for_selector("#error:not([hidden])")
    assert "invalid" in page.text_content("#error").lower() or "hl_lines" in page.text_content("#error")
    assert page.locator("#error i").count() == 0


def test_the_curl_command_shown_gives_the_same_result(page):
    page.fill('textarea[name="code"]', CODE)
    page.fill('input[name="hl_lines"]', "1")
    page.wait_for_function("document.querySelector('#curl').textContent.includes('hl_lines')")
    page.wait_for_function("document.querySelector('#html-source').value.includes('hll')")
    command = page.text_content("#curl")
    done = subprocess.run(["sh", "-c", command], capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["output"] == page.input_value("#html-source")


def test_copy_css_shows_the_stylesheet(page):
    page.click("#copy-css")
    page.wait_for_function("document.querySelector('#css-source').value.includes('.highlight')")
    assert page.input_value("#css-source") == HtmlFormatter().get_style_defs(".highlight")
