"""MOUNT_APPS: a process that serves some apps and reaches the others at their own URLs."""

import os

import pytest
from werkzeug.test import Client

from apps import sitewide
from apps.environment import ConfigError
from composite.mounts import describe_site
from composite.settings import CompositeSettings
from composite.site import create_site

HIGHLIGHTER = "http://highlighter.internal:8001"
WITHOUT_HIGHLIGHTER = CompositeSettings(apps=("snippets", "diffviewer"), service_urls=(("highlighter", HIGHLIGHTER),))


@pytest.fixture(scope="module")
def announced():
    """The site without its highlighter, and the environment as it was before and after."""
    before = dict(os.environ)
    app = create_site(WITHOUT_HIGHLIGHTER)
    return app, before, dict(os.environ)


@pytest.fixture
def client(announced):
    return Client(announced[0])


@pytest.mark.django_db
def test_the_mounted_apps_answer_and_the_left_out_one_is_not_here(client):
    assert client.get("/").status_code == 200
    assert client.get("/diff/").status_code == 200
    assert client.get("/highlight/").status_code == 404
    assert client.get("/highlight/static/playground.js").status_code == 404


def test_the_apps_are_told_where_the_left_out_one_lives(client, monkeypatch):
    for name in ("HIGHLIGHTER_URL", "SNIPPETS_URL", "DIFFVIEWER_URL", "SITE_NAV"):
        monkeypatch.delenv(name, raising=False)  # what the composite hands over, not the environment
    values = describe_site(WITHOUT_HIGHLIGHTER)
    assert values["HIGHLIGHTER_URL"] == HIGHLIGHTER
    assert (values["SNIPPETS_URL"], values["DIFFVIEWER_URL"]) == ("/", "/diff")
    nav = dict(values["SITE_NAV"])
    assert nav == {"Paste": "/", "Highlight": HIGHLIGHTER + "/", "Diff": "/diff/", "My snippets": "/mine"}
    assert f'href="{HIGHLIGHTER}/"' in client.get("/diff/").get_data(as_text=True)  # as an app sees them
    assert sitewide.nav_links() == []  # outside the composite's requests, nothing was handed over


def test_the_composite_writes_nothing_into_the_environment(announced):
    _, before, after = announced
    assert after == before


@pytest.mark.django_db
def test_healthz_checks_only_the_apps_served_here(client):
    report = client.get("/healthz").json
    assert set(report["apps"]) == {"snippets", "diffviewer"}


def test_the_default_serves_all_three(monkeypatch):
    monkeypatch.delenv("MOUNT_APPS", raising=False)
    assert CompositeSettings.from_env().apps == ("snippets", "highlighter", "diffviewer")


def test_mount_apps_and_the_service_url_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MOUNT_APPS", "snippets, diffviewer")
    monkeypatch.setenv("HIGHLIGHTER_URL", HIGHLIGHTER)
    settings = CompositeSettings.from_env()
    assert settings.apps == ("snippets", "diffviewer")
    assert settings.prefixes() == {"snippets": "", "diffviewer": "/diff"}
    assert dict(settings.service_urls) == {"highlighter": HIGHLIGHTER}


@pytest.mark.parametrize("url", ["", "/highlight", "highlighter.internal:8001"])
def test_a_left_out_app_without_a_service_url_fails_at_start_up(monkeypatch, url):
    monkeypatch.setenv("MOUNT_APPS", "snippets,diffviewer")
    monkeypatch.setenv("HIGHLIGHTER_URL", url)
    with pytest.raises(ConfigError, match="HIGHLIGHTER_URL"):
        CompositeSettings.from_env()


@pytest.mark.parametrize("names", ["snippets,pastebin", ","])
def test_unknown_or_no_app_names_fail_at_start_up(monkeypatch, names):
    monkeypatch.setenv("MOUNT_APPS", names)
    with pytest.raises(ConfigError, match="MOUNT_APPS"):
        CompositeSettings.from_env()


def test_a_highlighter_only_process_serves_it_under_its_prefix_and_nothing_at_the_root():
    client = Client(
        create_site(
            CompositeSettings(
                apps=("highlighter",),
                service_urls=(("snippets", "https://paste.example"), ("diffviewer", "https://paste.example/diff")),
            )
        )
    )
    assert client.get("/highlight/").status_code == 200
    assert client.get("/").status_code == 404
    assert set(client.get("/healthz").json["apps"]) == {"highlighter"}


def test_each_factory_takes_the_site_as_an_argument_and_an_app_alone_reads_the_environment(monkeypatch):
    """The hand-over is an argument of each app's factory; without it the app reads its environment."""
    from apps.diffviewer import create_app as create_diffviewer
    from apps.highlighter import create_app as create_highlighter

    monkeypatch.delenv("SITE_NAV", raising=False)
    handed = {"SITE_NAV": [["Handed over", "/handed/"]]}
    for create in (create_diffviewer, lambda **site: create_highlighter(None, **site)):
        with_site, alone = Client(create(site=handed)), Client(create())
        assert 'href="/handed/"' in with_site.get("/").get_data(as_text=True)
        assert 'href="/handed/"' not in alone.get("/").get_data(as_text=True)
        monkeypatch.setenv("SITE_NAV", '[["From the environment", "/env/"]]')
        assert 'href="/env/"' in alone.get("/").get_data(as_text=True)
        monkeypatch.delenv("SITE_NAV")
