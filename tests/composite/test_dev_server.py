"""``make run`` (``composite serve``): what a developer sees is what production shows.

- Log lines a person can read: Werkzeug's development server colours its own lines, and
  the site's log escaping (composite.logs) would show those colours as ``\\x1b[33m`` text.
  The colours are dropped instead; control characters from a request are still escaped.
- The address to open on a line of its own, first, not after a ``\\n`` at the end of a line.
- The site's own 404 and 410 pages, not Django's technical ones.
"""

import subprocess

import httpx
import pytest

from tests import servers
from tests.payloads import FORGED_PATH
from tests.waiting import wait_until


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``composite serve`` as ``make run`` starts it (DEBUG on), without the reloader."""
    data = tmp_path_factory.mktemp("serve")
    port = servers.free_port()
    env = servers.site_environment(data, DEBUG="true")
    log = data / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([str(servers.BIN / "composite"), "serve", "--no-reload", "--port", str(port)],
                                  cwd=servers.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            servers.wait_until_ready(f"http://127.0.0.1:{port}/healthz", server, 60, log)
            yield f"http://127.0.0.1:{port}", log
        finally:
            servers.stop(server)


def logged(log, text):
    """The server's log once ``text`` is in it."""
    wait_until(lambda: text in log.read_text(), f"{text!r} in the server's log")
    return log.read_text()


def test_the_log_has_no_escaped_colour_codes_and_no_forged_lines(served):
    url, log = served
    httpx.get(f"{url}/no-such-page")
    httpx.get(url + FORGED_PATH)
    text = logged(log, "forged")
    assert '"GET /no-such-page HTTP/1.1" 404' in text
    assert "\\x1b" not in text and "\x1b" not in text
    assert "\nINFO forged" not in text  # the request's CR/LF did not start a line
    assert "This is a development server" in text


def test_the_address_to_open_is_on_a_line_of_its_own(served):
    url, log = served
    lines = logged(log, "Running on").splitlines()
    first = next(n for n, line in enumerate(lines) if line.strip())
    assert lines[first] == f"composite: the whole site is at  {url}/   (Ctrl+C stops it)"
    banner = lines[: lines.index(f" * Running on {url}") + 1]  # its own line: the break was kept
    assert not any("\\n" in line for line in banner)


@pytest.mark.parametrize("path", ["/s/AAAAAAAAAAAA", "/no-such-page/"])
def test_a_missing_page_is_the_sites_own_404(served, path):
    url, _ = served
    page = httpx.get(url + path)
    assert page.status_code == 404
    assert "Page not found at" not in page.text  # Django's technical page
    assert "Paste a new one" in page.text


def test_an_expired_snippet_is_the_sites_own_410(served):
    url, _ = served
    created = httpx.post(f"{url}/api/snippets", data={"content": "soon gone\n", "burn": "true"})
    assert created.status_code == 201, created.text
    assert httpx.post(created.json()["raw_url"]).status_code == 200  # the one reading (no GET burns it)
    gone = httpx.get(created.json()["url"])
    assert gone.status_code in (404, 410)
    assert "Traceback" not in gone.text and "Page not found at" not in gone.text
