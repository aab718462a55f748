"""Fixtures for the paste site: helpers that post like a browser or like curl, a clean
cache per test, and a stub highlighter on a real socket for the degraded cases."""

import html
import json
import re
import threading
import time

import pytest
from django.apps import apps
from django.core.cache import cache
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from apps.snippets import catalog


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with no cached renderings and no remembered highlighter catalog."""
    pages = apps.get_app_config("snippets").pages
    for forget in (cache.clear, catalog.forget, pages.clear):
        forget()
    yield
    for forget in (cache.clear, catalog.forget, pages.clear):
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


class StubHighlighter:
    """A highlighter speaking the service's HTTP API, on a loopback port, told how to behave."""

    LEXERS = [
        {"name": "Python", "aliases": ["python", "py"], "filenames": ["*.py"], "mimetypes": []},
        {"name": "Text only", "aliases": ["text"], "filenames": ["*.txt"], "mimetypes": []},
    ]

    def __init__(self):
        self.delay = 0.0
        self.answer = None  # (status, JSON) to send instead of highlighting
        self.version = "stub-1"
        self.highlights = 0
        self.fields = []  # every highlight request's JSON
        self.cache_controls = []  # and its Cache-Control header

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/api/lexers":
            response = self.json(200, self.LEXERS)
        elif request.path == "/api/styles":
            response = self.json(200, [{"name": "default"}, {"name": "monokai"}])
        elif request.path == "/_health":
            response = self.json(200, {"status": "ok", "pygments": self.version})
        elif request.path == "/api/highlight":
            self.highlights += 1
            time.sleep(self.delay)
            fields = request.get_json()
            self.fields.append(fields)
            self.cache_controls.append(request.headers.get("Cache-Control"))
            if self.answer:
                response = self.json(*self.answer)
            else:
                lines = fields["code"].split("\n")
                body = "".join(f'<span id="L-{n}">{html.escape(line)}\n</span>' for n, line in enumerate(lines, 1))
                response = self.json(200, {
                    "output": f'<div class="highlight"><pre><code>{body}</code></pre></div>',
                    "format": "html", "lexer": {"name": "Python", "alias": "python"},
                    "style": fields.get("style", "default"), "guessed": False,
                })
        else:
            response = self.json(404, {"error": {"code": "not_found", "message": "no"}})
        return response(environ, start_response)

    @staticmethod
    def json(status, data):
        return Response(json.dumps(data), status=status, mimetype="application/json")


@pytest.fixture
def stub_highlighter(monkeypatch):
    """A stub highlighter the site reaches over the network (HIGHLIGHTER_URL)."""
    stub = StubHighlighter()
    server = make_server("127.0.0.1", 0, stub, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HIGHLIGHTER_URL", f"http://127.0.0.1:{server.server_port}")
    catalog.forget()
    yield stub
    server.shutdown()
    thread.join()
