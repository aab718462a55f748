"""The paste site's first slice: create a snippet, see it highlighted, get it raw."""

import io
import re

import pytest

from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db


def create(client, **fields):
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client.post("/", data={"csrfmiddlewaretoken": token, **fields})


def test_posting_the_form_stores_a_snippet_and_redirects_to_it(client):
    response = create(client, content="def f():\n    return 1\n", lexer="python", title="A function")
    assert response.status_code == 302
    snippet = Snippet.objects.get()
    assert response.headers["Location"] == f"/s/{snippet.id}"
    assert snippet.size == len("def f():\n    return 1\n")
    assert len(snippet.sha256) == 64


def test_a_snippet_page_shows_the_code_highlighted_by_the_highlighter_service(client):
    location = create(client, content="def f():\n    return 1\n", lexer="python").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert '<div class="highlight">' in page
    assert '<span class="k">def</span>' in page
    assert "Python" in page


def test_raw_returns_exactly_the_stored_text(client):
    text = "tab\there\r\nunicode: é ✓ \U0001f600\r\nno final newline"
    created = client.post("/api/snippets", data={"content": (io.BytesIO(text.encode()), "t.txt")})
    response = client.get(created.json["url"].removeprefix("http://localhost") + "/raw")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data(as_text=True) == text


def test_text_pasted_in_the_form_keeps_the_line_endings_the_person_typed(client):
    """Browsers send every textarea line ending as CRLF; a pasted shell script must still run."""
    location = create(client, content="#!/bin/sh\r\necho hi\r\n").headers["Location"]
    assert client.get(location + "/raw").get_data(as_text=True) == "#!/bin/sh\necho hi\n"


def test_an_empty_snippet_is_refused_with_a_form_error(client):
    response = create(client, content="   \n")
    assert response.status_code == 400
    assert "The snippet is empty." in response.get_data(as_text=True)
    assert Snippet.objects.count() == 0


def test_html_in_a_snippet_is_shown_as_text(client):
    location = create(client, content="<script>alert(1)</script>", title="<img src=x onerror=alert(1)>").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    text = re.sub(r"<[^>]*>", "", page)  # the words on the page, however they are coloured
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_an_unknown_snippet_is_404(client):
    assert client.get("/s/doesnotexist").status_code == 404


def test_the_page_still_renders_when_the_highlighter_is_unreachable(client, monkeypatch):
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    location = create(client, content="x = 1\n", lexer="python").headers["Location"]
    response = client.get(location)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "x = 1" in page
    assert "could not be reached" in page


def test_admin_is_served(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Django administration" in response.get_data(as_text=True)
