"""Fixtures shared by the whole suite: the composed site and a client for it."""

import os

import pytest
from werkzeug.test import Client

from composite.settings import CompositeSettings
from composite.site import create_site

pytest_plugins = ["tests.fakehighlighter"]  # the one fake highlighter, for every test that needs one


@pytest.fixture(scope="session", autouse=True)
def requests_keep_the_test_transaction():
    """Requests through the composite must not close the test's database connection.

    Django closes "obsolete" connections when a request starts and ends; inside a test's
    transaction a PostgreSQL connection looks obsolete (autocommit is off), and closing it
    ends the test's transaction. Django's own test client unhooks the same two signals.
    """
    from django.core import signals
    from django.db import close_old_connections

    unhook_close_old_connections()
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def requests_keep_this_tests_transaction(monkeypatch):
    """Again before every test, and after each request of Django's test client: it hooks the
    two signals back when it is done, so the site's next request in the same test (or the
    next test) would close the test's connection (PostgreSQL: "the connection is closed")."""
    from django.test import client

    unhook_close_old_connections()
    handle, closing = client.ClientHandler.__call__, client.closing_iterator_wrapper

    def handled(self, environ):
        try:
            return handle(self, environ)
        finally:
            unhook_close_old_connections()

    def closed(iterable, close):  # a streamed answer hooks them back once it is read
        try:
            yield from closing(iterable, close)
        finally:
            unhook_close_old_connections()

    monkeypatch.setattr(client.ClientHandler, "__call__", handled)
    monkeypatch.setattr(client, "closing_iterator_wrapper", closed)


def unhook_close_old_connections():
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


@pytest.fixture(scope="session")
def site_settings():
    return CompositeSettings(proxy_hops=1, rate_limits=False)  # tests/composite/test_ratelimit*.py turn them on


@pytest.fixture(scope="session")
def site(site_settings):
    """The whole site as one WSGI app, mounted the way production mounts it."""
    saved = dict(os.environ)
    app = create_site(site_settings)
    yield app
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def client(site):
    return Client(site)
