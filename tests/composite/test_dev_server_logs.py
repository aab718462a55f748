"""``make run`` (``composite serve``) prints log lines a person can read.

Werkzeug's development server colours its own lines; the site's log escaping
(composite.logs) would show those colours as ``\\x1b[33m`` text. The colours are dropped
instead, while control characters from a request are still escaped.
"""

import subprocess
import time

import httpx

from tests import servers


def test_the_development_server_log_has_no_escaped_colour_codes(tmp_path):
    port = servers.free_port()
    env = servers.site_environment(tmp_path, DEBUG="true")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([str(servers.BIN / "composite"), "serve", "--no-reload", "--port", str(port)],
                                  cwd=servers.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            servers.wait_until_ready(f"http://127.0.0.1:{port}/healthz", server, 60, log)
            httpx.get(f"http://127.0.0.1:{port}/no-such-page")
            httpx.get(f"http://127.0.0.1:{port}/forged%0d%0aINFO%20fake%1b[31m")
            deadline = time.monotonic() + 10
            while b"no-such-page" not in log.read_bytes() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            servers.stop(server)
    text = log.read_text()
    assert '"GET /no-such-page HTTP/1.1" 404' in text
    assert "\\x1b" not in text and "\x1b" not in text
    assert "\nINFO fake" not in text  # the request's CR/LF did not start a line
    assert "This is a development server" in text
