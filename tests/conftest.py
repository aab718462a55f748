"""Fixtures shared by the whole suite: the composed site and a client for it."""

import os

import pytest
from werkzeug.test import Client

from composite.settings import CompositeSettings
from composite.site import create_site


@pytest.fixture(scope="session")
def site_settings():
    return CompositeSettings(proxy_hops=1)


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
