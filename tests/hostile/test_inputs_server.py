"""A representative part of the attack table through the Procfile's real gunicorn, and the
logs it writes: no raw CR, LF, ESC or Unicode line separator from a request reaches them."""

import re

import httpx
import pytest

from tests.hostile import attacks
from tests.hostile.conftest import check_answer

pytestmark = pytest.mark.server

ATTACKS = {"oversize", "1mb-single-line", "invalid-utf8", "malformed-json", "json-nested-100k-deep",
           "json-lone-surrogate", "nul-bytes", "control-chars-in-path", "control-chars-in-title", "tabsize=huge",
           "unknown-lexer", "context=negative"}
ENDPOINTS = {"snippets-api-json", "snippets-api-multipart", "highlight-api-json", "highlight-legacy",
             "diff-api-json", "diff-form"}
KNOWN_FAILURES = {
}
SUBSET = [
    pytest.param(e, name, built, outcome, id=f"{e}-{name}",
                 marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[e.name, name])]
                 if (e.name, name) in KNOWN_FAILURES else [])
    for e, name, built, outcome in attacks.table()
    if e.name in ENDPOINTS and name in ATTACKS
]
# Raw log text must hold none of these: each would start a fake line or drive a terminal.
FORGING = re.compile("[\r\x1b\x85\u2028\u2029]")


@pytest.mark.parametrize(("endpoint", "attack", "built", "outcome"), SUBSET)
def test_attacks_through_gunicorn_are_answered_and_the_site_keeps_answering(web, endpoint, attack, built, outcome):
    with httpx.Client(base_url=web.url, timeout=30) as http:
        response = http.request(
            built["method"], built["path"], content=built["data"],
            headers={"Content-Type": built["content_type"], **built["headers"]},
        )
        check_answer(response.status_code, response.headers.get("Content-Type", ""), response.content, outcome,
                     endpoint.api)
        assert http.get("/healthz").status_code == 200


def test_very_long_headers_and_urls_are_refused_by_gunicorn_with_a_4xx(web):
    with httpx.Client(base_url=web.url, timeout=10) as http:
        assert http.get("/highlight/api/lexers", headers={"X-Hostile": "h" * 20_000}).status_code == 431
        assert http.get("/?q=" + "u" * 20_000).status_code == 414
        assert http.get("/healthz").status_code == 200


def test_requests_cannot_forge_log_lines(web):
    """Encoded CR/LF/ESC in paths, raw UTF-8 line separators in headers, escapes in titles:
    the access log and the apps' logs hold them escaped, one request per line."""
    forged_ua = "agent\u0085INFO forged\u2028line\u2029end".encode()
    with httpx.Client(base_url=web.url, timeout=10) as http:
        for path in ("/s/x" + attacks.FORGED_PATH, "/highlight" + attacks.FORGED_PATH, "/diff" + attacks.FORGED_PATH,
                     "/healthz?next=%0d%0aINFO%20forged%1b[2J"):
            http.get(path, headers={"User-Agent": forged_ua, "Referer": forged_ua})
        http.post("/api/snippets", json={"content": "x\n", "title": attacks.FORGED, "filename": attacks.FORGED})
        http.post("/diff/api/diff", json={"left": "a\n", "right": "b\n", "left_name": attacks.FORGED})
        http.post("/highlight/api/highlight", json={"code": "x", "options": {"title": attacks.FORGED, "full": True}})
        assert http.get("/healthz").status_code == 200
    log = web.log_text()
    assert "INFO forged" in log  # the requests were logged…
    assert not FORGING.search(log), [line for line in log.split("\n") if FORGING.search(line)][:3]
    forged = [line for line in log.split("\n") if re.match(r"\s*(INFO forged|line|end\b)", line)]
    assert forged == []  # …and no logged request started a line of its own
