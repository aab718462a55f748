"""``/favicon.ico`` (browsers ask for it on raw text and JSON, which name no icon) is never a 404:
in the composite the site's icon (tests/composite/test_mounts.py), and each app alone answers it
too (``sitewide.favicon_answer``): a redirect to ``SITE_ICON`` when it is given one, else 204."""

import django.test
import pytest
from werkzeug.test import Client

from apps.diffviewer import create_app as diffviewer_app
from apps.highlighter import create_app as highlighter_app

ICON = "https://static.example/icon.svg"


def asked(app_name):
    if app_name == "snippets":
        return django.test.Client().get("/favicon.ico")
    app = highlighter_app() if app_name == "highlighter" else diffviewer_app()
    return Client(app).get("/favicon.ico")


def location(response):
    return response.headers.get("Location")


@pytest.mark.parametrize("app_name", ["snippets", "highlighter", "diffviewer"])
def test_an_app_alone_without_an_icon_answers_no_content(app_name, monkeypatch):
    monkeypatch.delenv("SITE_ICON", raising=False)
    response = asked(app_name)
    assert response.status_code == 204 and location(response) is None
    assert "max-age" in response.headers["Cache-Control"]


@pytest.mark.parametrize("app_name", ["snippets", "highlighter", "diffviewer"])
def test_an_app_alone_given_the_sites_icon_sends_browsers_to_it(app_name, monkeypatch):
    monkeypatch.setenv("SITE_ICON", ICON)
    response = asked(app_name)
    assert response.status_code == 301 and location(response) == ICON
