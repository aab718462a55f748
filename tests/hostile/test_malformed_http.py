"""Malformed HTTP through the Procfile's real gunicorn: each raw request is refused (a 4xx,
or a closed connection where gunicorn stops before HTTP) and reaches no app it should not.

Who answered is read from the response: gunicorn's own refusals carry no ``Server`` header,
the apps' answers do; the highlighter's playground says "Highlighter playground".
"""

import re

import httpx
import pytest

from tests import servers

pytestmark = pytest.mark.server

HOST = b"Host: 127.0.0.1\r\nConnection: close\r\n"
GUNICORN = "gunicorn"  # refused by gunicorn itself, before any app
APP_404 = "app-404"  # parsed fine, routed, and no app has such a page
CLOSED = "closed"  # the connection ends without an HTTP answer
ANY = "gunicorn or app"  # refused, by gunicorn or by the app that got it

# name: (raw request, expected status class or CLOSED, who refuses it)
CORPUS = {
    "content-length-and-chunked": (
        b"POST /api/snippets HTTP/1.1\r\n" + HOST + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\n\r\nGET /smuggled HTTP/1.1\r\n" + HOST + b"\r\n", 400, GUNICORN),
    "two-different-content-lengths": (
        b"POST /api/snippets HTTP/1.1\r\n" + HOST + b"Content-Length: 5\r\nContent-Length: 7\r\n\r\nhello!!", 400, GUNICORN),
    "negative-content-length": (b"POST /api/snippets HTTP/1.1\r\n" + HOST + b"Content-Length: -1\r\n\r\n", 400, GUNICORN),
    "content-length-not-a-number": (b"POST /api/snippets HTTP/1.1\r\n" + HOST + b"Content-Length: 1e3\r\n\r\n", 400, GUNICORN),
    "transfer-encoding-chunked-identity": (
        b"POST /api/snippets HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400, GUNICORN),
    "space-before-colon": (
        b"POST /api/snippets HTTP/1.1\r\n" + HOST + b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400, GUNICORN),
    # A chunk larger than any app accepts, or a size line that never ends: no app could know
    # the size without reading it, so the server refuses it (composite/worker.py).
    "chunk-size-overflow": (
        b"POST /api/snippets HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n" + b"f" * 40 + b"\r\nx\r\n0\r\n\r\n",
        413, GUNICORN),
    "chunk-size-overflow-to-the-highlighter": (
        b"POST /highlight/api/highlight HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        b"7fffffff\r\n{\"code\":", 413, GUNICORN),
    "chunk-size-overflow-to-the-diff-viewer": (
        b"POST /diff/api/diff HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n"
        b"1000001\r\n{\"left\":", 413, GUNICORN),
    "endless-chunk-size-line": (
        b"POST /diff/api/diff HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n" + b"0" * 2000,
        400, GUNICORN),
    "small-chunked-body-is-served": (  # the framing itself is fine: the app answers
        b"POST /diff/api/diff HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"lef\r\n0\r\n\r\n", 400, ANY),
    "duplicate-host": (b"GET /highlight/ HTTP/1.1\r\n" + HOST + b"Host: evil.example\r\n\r\n", 400, GUNICORN),
    "control-character-in-header": (b"GET /highlight/ HTTP/1.1\r\n" + HOST + b"X-A: a\x01b\r\n\r\n", 400, GUNICORN),
    "escape-in-user-agent": (b"GET /healthz HTTP/1.1\r\n" + HOST + b"User-Agent: \x1b[31mred\r\n\r\n", 400, GUNICORN),
    "cr-inside-header-value": (b"GET /healthz HTTP/1.1\r\n" + HOST + b"X-A: a\rInjected: 1\r\n\r\n", 400, GUNICORN),
    "obsolete-line-folding": (b"GET /healthz HTTP/1.1\r\n" + HOST + b"X-A: a\r\n b\r\n\r\n", 400, GUNICORN),
    "nul-in-path": (b"GET /highlight/\x00 HTTP/1.1\r\n" + HOST + b"\r\n", 400, GUNICORN),
    "escape-in-path": (b"GET /x\x1b[31m HTTP/1.1\r\n" + HOST + b"\r\n", 400, GUNICORN),
    "absurd-request-line": (b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\n" + HOST + b"\r\n", 414, GUNICORN),
    "too-many-headers": (b"GET /healthz HTTP/1.1\r\n" + HOST + b"".join(b"X-%d: 1\r\n" % i for i in range(300)) + b"\r\n",
                         431, GUNICORN),
    "header-too-long": (b"GET /healthz HTTP/1.1\r\n" + HOST + b"X-Long: " + b"a" * 20_000 + b"\r\n\r\n", 431, GUNICORN),
    "invalid-method-characters": (b"G<T /healthz HTTP/1.1\r\n" + HOST + b"\r\n", 400, GUNICORN),
    "lowercase-method": (b"get /healthz HTTP/1.1\r\n" + HOST + b"\r\n", 400, GUNICORN),
    "unknown-http-version": (b"GET /healthz HTTP/7.3\r\n" + HOST + b"\r\n", 400, GUNICORN),
    "http-0.9-request": (b"GET /highlight/\r\n", CLOSED, GUNICORN),
    "bare-lf-line-endings": (b"GET /highlight/ HTTP/1.1\n" + b"Host: 127.0.0.1\n\n", CLOSED, GUNICORN),
    "encoded-slash-dotdot-after-mount": (b"GET /highlight%2f.. HTTP/1.1\r\n" + HOST + b"\r\n", 404, APP_404),
    "dotdot-encoded-slash-inside-mount": (b"GET /highlight/..%2f HTTP/1.1\r\n" + HOST + b"\r\n", 404, APP_404),
    "encoded-dots-out-of-mount": (b"GET /highlight/%2e%2e/diff/ HTTP/1.1\r\n" + HOST + b"\r\n", 404, APP_404),
    "traversal-to-settings": (b"GET /static/..%2f..%2fconfig%2fsettings.py HTTP/1.1\r\n" + HOST + b"\r\n", 404, APP_404),
    "unknown-but-valid-method": (b"BREW /highlight/ HTTP/1.1\r\n" + HOST + b"\r\n", 405, "app-405"),
}


def status_of(answer):
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    return int(match.group(1)) if match else None


@pytest.mark.parametrize("name", CORPUS)
def test_malformed_requests_are_refused_before_any_app(web, name):
    raw, expected, refuser = CORPUS[name]
    answer = servers.raw_exchange(web.port, raw + b"", timeout=4, half_close=expected == CLOSED)
    head, _, body = answer.partition(b"\r\n\r\n")
    if expected == CLOSED:
        assert answer == b"" or 400 <= (status_of(answer) or 0) < 500, answer[:300]
    else:
        assert status_of(answer) == expected, answer[:300]
    assert b"Highlighter playground" not in body  # the highlighter's root was not served
    assert b"/smuggled" not in answer and answer.count(b"HTTP/1.1 ") <= 1  # nothing smuggled behind it
    if refuser == GUNICORN and answer:
        assert b"\r\nServer: " not in head, "an app answered what gunicorn should have refused"
    if refuser == APP_404:
        assert b"Server: gunicorn" in head  # parsed and routed, then not found
    with httpx.Client(base_url=web.url, timeout=5) as http:
        assert http.get("/healthz").status_code == 200


def test_a_percent_encoded_slash_never_reaches_the_highlighter_as_its_root(web):
    """``/highlight%2f..`` is the highlighter's ``/..``: its 404, not the playground."""
    with httpx.Client(base_url=web.url, timeout=5) as http:
        for path in ("/highlight%2f..", "/highlight%2F..%2F", "/highlight/..%2f", "/highlight/%2e%2e%2f"):
            response = http.get(path)
            assert response.status_code == 404, (path, response.status_code)
            assert "Highlighter playground" not in response.text
