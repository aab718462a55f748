"""The snippet page when the highlighter is not there, slow, or refuses: always 200, the
escaped plain text and a notice; degraded renderings are never cached."""

import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(apps.get_app_config("snippets"), "highlight_timeout", 0.3)


def test_an_unreachable_highlighter_gives_plain_text_and_a_notice(client, paste, monkeypatch):
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")
    snippet = paste("if a < b:\n    pass\n", lexer="python")
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "could not be reached" in page
    assert "if a &lt; b:" in page
    assert '<a id="L2" href="#L2">2</a>' in page and '<span id="L-2">' in page


def test_a_slow_highlighter_is_given_up_on(client, paste, stub_highlighter, short_timeout):
    stub_highlighter.delay = 1.0
    snippet = paste("x = 1\n")
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200
    assert "did not answer in time" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [(422, "timeout", "highlighting it took too long"), (413, "too_large", "it is too large to highlight")],
)
def test_a_highlighter_that_declines_gives_plain_text_with_the_reason(client, paste, stub_highlighter, status, code, reason):
    stub_highlighter.answer = (status, {"error": {"code": code, "message": "no"}})
    snippet = paste("x = 1\n")
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200
    assert reason in response.get_data(as_text=True)


def test_a_degraded_rendering_is_not_cached(client, paste, stub_highlighter):
    stub_highlighter.answer = (422, {"error": {"code": "timeout", "message": "slow"}})
    snippet = paste("x = 1\n")
    client.get(f"/s/{snippet['id']}")
    client.get(f"/s/{snippet['id']}")
    stub_highlighter.answer = None
    page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert "showing plain text" not in page


def test_a_good_rendering_is_cached_per_style(client, paste, stub_highlighter):
    snippet = paste("x = 1\n")
    calls = stub_highlighter.highlights  # one at creation (the default style, cached)
    client.get(f"/s/{snippet['id']}")
    assert stub_highlighter.highlights == calls
    client.get(f"/s/{snippet['id']}?style=monokai")
    client.get(f"/s/{snippet['id']}?style=monokai")
    assert stub_highlighter.highlights == calls + 1


def test_a_new_highlighter_version_renders_again(client, paste, stub_highlighter):
    from apps.snippets import catalog

    snippet = paste("x = 1\n")
    calls = stub_highlighter.highlights
    stub_highlighter.version = "stub-2"
    catalog.forget()
    client.get(f"/s/{snippet['id']}")
    assert stub_highlighter.highlights == calls + 1


def test_creating_works_while_the_highlighter_is_down(client, monkeypatch):
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")
    response = client.post("/api/snippets", json={"content": "x = 1\n", "filename": "a.py"})
    assert response.status_code == 201
    assert response.get_json()["lexer"] == "auto"  # decided later, when it answers again
