"""Fixtures for the highlighter: the app alone and the app inside the composite, one spec.

``api`` is parametrized: each test using it runs through the composite at ``/highlight``
(the production mount, via the session's ``site``) and against ``create_app()`` alone.
"""

import pytest
from werkzeug.test import Client

from apps.highlighter import core, create_app


class Api:
    """A test client that prefixes every path with the app's mount."""

    def __init__(self, wsgi_app, prefix):
        self.client = Client(wsgi_app)
        self.prefix = prefix

    def get(self, path, **kwargs):
        return self.client.get(self.prefix + path, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(self.prefix + path, **kwargs)

    def open(self, path, **kwargs):
        return self.client.open(self.prefix + path, **kwargs)


@pytest.fixture(scope="session")
def standalone_app():
    return create_app()


@pytest.fixture(params=["composite", "standalone"])
def api(request):
    if request.param == "composite":
        return Api(request.getfixturevalue("site"), "/highlight")
    return Api(request.getfixturevalue("standalone_app"), "")


@pytest.fixture
def app_with():
    """A fresh standalone app with some settings changed (its own result cache)."""

    def make(**config):
        return Api(create_app(config), "")

    return make


@pytest.fixture
def counted(monkeypatch):
    """The highlights that reach the worker pool."""
    calls = []
    real = core.Highlighter.highlight

    def highlight(self, request):
        calls.append(request)
        return real(self, request)

    monkeypatch.setattr(core.Highlighter, "highlight", highlight)
    return calls
