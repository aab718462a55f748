"""Hostile input through the whole composite, in-process: every endpoint × every attack.

The table lives in ``attacks.py``. Each cell must answer as the table says (refused with a
4xx and a message, JSON for APIs; or served), never with a 5xx or a traceback, and the site
must still say it is healthy afterwards.
"""

import pytest

from tests.hostile import attacks
from tests.hostile.conftest import check_answer, csrf_token

pytestmark = pytest.mark.django_db

# Cells that fail today, reported to the app's owner; strict, so a fix shows up as XPASS.
KNOWN_FAILURES = {
}


def cell(endpoint, attack, built, outcome):
    reason = KNOWN_FAILURES.get((endpoint.name, attack))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(endpoint, attack, built, outcome, marks=marks, id=f"{endpoint}-{attack}")


TABLE = [cell(*row) for row in attacks.table()]
GET_ENDPOINTS = {
    "snippet-page": ("/s/{id}", False),
    "snippet-raw": ("/s/{id}/raw", False),
    "snippet-api": ("/api/snippets/{id}", True),
    "highlight-lexers": ("/highlight/api/lexers", True),
    "highlight-stylesheet": ("/highlight/styles/default.css", False),
    "highlight-playground": ("/highlight/", False),
    "diff-compare": ("/diff/compare", False),
    "diff-form": ("/diff/", False),
    "healthz": ("/healthz", True),
}
GET_ATTACKS = {
    # name: (path suffix or query, headers, outcome)
    "very-long-url": ("?q=" + "u" * 100_000, {}, attacks.EITHER),
    "very-long-header": ("", {"X-Hostile": "h" * 100_000, "Cookie": "c=" + "c" * 50_000}, attacks.EITHER),
    "control-chars-in-query": ("?style=%0d%0a%1b[31m&selector=%0d%0a%1b[31m&left=%0d%0a&right=%1b", {}, attacks.EITHER),
    "invalid-utf8-in-query": ("?style=%ff%fe&selector=%ff&left=%ff&right=%c3%28", {}, attacks.EITHER),
    "nul-in-query": ("?style=a%00b&selector=a%00&left=%00&right=%00", {}, attacks.EITHER),
    "huge-and-negative-numbers-in-query": ("?context=-1&selector=" + "9" * 400, {}, attacks.EITHER),
}


def healthy(client):
    response = client.get("/healthz")
    return response.status_code == 200


def send(client, built, endpoint):
    data = built["data"]
    if endpoint.csrf:
        token = csrf_token(client)
        data = data + b"&csrfmiddlewaretoken=" + token.encode()
    return client.open(
        built["path"], method=built["method"], data=data, content_type=built["content_type"], headers=built["headers"]
    )


@pytest.mark.parametrize(("endpoint", "attack", "built", "outcome"), TABLE)
def test_every_endpoint_answers_every_attack_with_a_clear_4xx_or_serves_it(client, endpoint, attack, built, outcome):
    response = send(client, built, endpoint)
    check_answer(response.status_code, response.content_type or "", response.get_data(), outcome, endpoint.api)
    assert healthy(client)


@pytest.fixture
def snippet_id(client):
    created = client.post("/api/snippets", json={"content": "x = 1\n", "lexer": "text"})
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()["id"]


@pytest.mark.parametrize("attack", GET_ATTACKS)
@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_pages_and_lists_answer_odd_urls_and_headers_without_a_5xx(client, snippet_id, endpoint, attack):
    path, api = GET_ENDPOINTS[endpoint]
    suffix, headers, outcome = GET_ATTACKS[attack]
    response = client.get(path.format(id=snippet_id) + suffix, headers=headers)
    check_answer(response.status_code, response.content_type or "", response.get_data(), outcome, api)
    assert healthy(client)


@pytest.mark.parametrize(
    "path",
    [
        "/s/" + "a" * 10_000,
        "/s/%00abc",
        "/s/%ff%fe/raw",
        "/s/abc%0d%0aSet-Cookie:%20x=1",
        "/api/snippets/%00",
        "/api/snippets/" + "%1b[31m" * 100,
        "/highlight/styles/%00.css",
        "/highlight/styles/" + "a" * 5_000 + ".css",
        "/highlight/styles/..%2f..%2fetc%2fpasswd.css",
        "/highlight/static/..%2f..%2f__init__.py",
        "/diff/static/../app.py",
        "/static/..%2fconfig%2fsettings.py",
    ],
)
def test_odd_paths_are_not_found_not_errors(client, path):
    response = client.get(path)
    check_answer(response.status_code, response.content_type or "", response.get_data(), attacks.REFUSED, api=False)
    assert b"SECRET_KEY" not in response.get_data() and b"import " not in response.get_data()
    assert "x=1" not in response.headers.get("Set-Cookie", "")
