"""The paste site on its own (``manage.py runserver``, any WSGI server): Django's test
client, no composite around it, so no in-process highlighter unless HIGHLIGHTER_URL is a URL."""

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from apps.snippets.middleware import DatabaseUnavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def alone(monkeypatch):
    for name in ("HIGHLIGHTER_URL", "DIFFVIEWER_URL", "SNIPPETS_URL", "SITE_NAV"):
        monkeypatch.delenv(name, raising=False)
    return Client()


def test_every_page_works_without_the_other_apps(alone):
    assert alone.get("/").status_code == 200
    created = alone.post("/api/snippets", {"content": "x = 1\n"}).json()
    page = alone.get(f"/s/{created['id']}")
    assert page.status_code == 200
    assert "Syntax highlighting is not configured" in page.content.decode()
    assert "x = 1" in page.content.decode()
    for path in ("raw", "download", "fork", "delete"):
        assert alone.get(f"/s/{created['id']}/{path}").status_code == 200
    assert alone.get("/mine").status_code == 200


def test_with_a_highlighter_url_it_highlights_over_the_network(alone, fake_highlighter):
    created = alone.post("/api/snippets", {"content": "x = 1\n", "lexer": "python"}).json()
    page = alone.get(f"/s/{created['id']}").content.decode()
    assert "showing plain text" not in page
    assert f'{fake_highlighter_base()}/styles/default.css' in page


def fake_highlighter_base():
    import os

    return os.environ["HIGHLIGHTER_URL"]


def test_forms_keep_csrf_protection_standalone(monkeypatch):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/", {"content": "x\n"}).status_code == 403
    assert strict.post("/api/snippets", {"content": "x\n"}).status_code == 201  # token-based, exempt


def database_down(request):
    raise OperationalError("could not connect to server")


database_down.answers_json = False


def test_the_database_middleware_answers_503_html_or_json():
    middleware = DatabaseUnavailable(lambda request: None)
    request = RequestFactory().get("/s/x")
    request.resolver_match = type("Match", (), {"func": database_down})()
    response = middleware.process_exception(request, OperationalError("down"))
    assert response.status_code == 503 and b"not available" in response.content

    database_down.answers_json = True
    try:
        response = middleware.process_exception(request, OperationalError("down"))
        assert response.status_code == 503 and response["Content-Type"] == "application/json"
    finally:
        database_down.answers_json = False
    assert middleware.process_exception(request, ValueError("other")) is None
