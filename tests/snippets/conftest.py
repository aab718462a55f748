"""Fixtures for the paste site: helpers that post like a browser or like curl, a clean
cache per test, and the fake highlighter on a real socket for the degraded cases."""

import re

import pytest
from django.apps import apps
from django.core.cache import cache

from apps.snippets import catalog


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with no cached renderings (code, Markdown, pages) and no remembered highlighter catalog."""
    config = apps.get_app_config("snippets")
    for forget in (cache.clear, catalog.forget, config.pages.clear, config.markdowns.clear):
        forget()
    yield
    for forget in (cache.clear, catalog.forget, config.pages.clear, config.markdowns.clear):
        forget()


def csrf_token(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture
def post_form(client):
    """Submit the create form (or the form at ``path``) the way a browser does."""

    def post(path="/", **fields):
        token = csrf_token(client, path)
        return client.post(path, data={"csrfmiddlewaretoken": token, **fields})

    return post


@pytest.fixture
def paste(client):
    """Create a snippet through the API (multipart, like ``curl -F``); returns its JSON."""

    def create(content="x = 1\n", **fields):
        response = client.post(
            "/api/snippets", data={"content": content, **fields}, content_type="multipart/form-data"
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    return create


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def reveal(client):
    """Read a burn-after-reading snippet as a person does: its page (the reveal step, which
    burns nothing), then its Reveal button (a POST with the page's CSRF token)."""

    def read(snippet_id, page=None):
        token = csrf_token(client, page or f"/s/{snippet_id}")
        return client.post(f"/s/{snippet_id}/reveal", data={"csrfmiddlewaretoken": token})

    return read
