"""Fixtures for hostile input and faults: checks shared by every attack, caches emptied
between tests, and the Procfile's gunicorn for the attacks that need a real server."""

import re

import pytest
from django.apps import apps
from django.core.cache import cache

from tests import servers

TRACEBACK = "Traceback (most recent call last)"


@pytest.fixture(autouse=True)
def fresh_caches(request):
    """No rendering, page or highlighter catalog kept from an earlier test."""
    if "django_db" not in {mark.name for mark in request.node.iter_markers()}:
        yield
        return
    from apps.snippets import catalog

    pages = apps.get_app_config("snippets").pages
    for forget in (cache.clear, catalog.forget, pages.clear):
        forget()
    yield


def csrf_token(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def check_answer(status, content_type, body, outcome, api):
    """The one rule of this folder: never a 5xx or a traceback; a refusal says why."""
    text = body.decode("utf-8", "replace")
    assert status < 500, f"{status}: {text[:500]}"
    assert TRACEBACK not in text
    if outcome == "refused":
        assert 400 <= status < 500, f"expected a 4xx, got {status}: {text[:300]}"
    elif outcome == "served":
        assert status < 400, f"expected it served, got {status}: {text[:300]}"
    if 400 <= status < 500:
        if api:
            assert content_type.startswith("application/json"), f"{status} {content_type}: {text[:200]}"
            import json

            error = json.loads(text)["error"]
            assert error["code"] and error["message"], error
        else:
            assert len(text.strip()) > 0, f"{status} with an empty body"


@pytest.fixture(scope="module")
def web(tmp_path_factory, request):
    """The Procfile's web: process (2 workers × 4 threads) on SQLite, with its log file, and
    the test module's ``SERVER_SETTINGS`` (environment variables), if it has any."""
    data = tmp_path_factory.mktemp("hostile")
    env = servers.site_environment(data, WEB_CONCURRENCY="2", WEB_THREADS="4",
                                   **getattr(request.module, "SERVER_SETTINGS", {}))
    if env.get("DATABASE_URL", "sqlite").startswith("postgres"):
        env.pop("DATABASE_URL")
    servers.migrate(env)
    port = servers.free_port()
    log = data / "gunicorn.log"
    with servers.running(servers.procfile_command("web"), env, port, log):
        yield servers.Site(f"http://127.0.0.1:{port}", port, log)
