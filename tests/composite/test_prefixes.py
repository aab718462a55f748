"""Every app works under any mount prefix: URLs, redirects, static files and cookies."""

import re

import pytest
from werkzeug.test import Client

from apps.snippets.wsgi import mounted_at
from composite.settings import CompositeSettings
from composite.site import create_site

PREFIXES = CompositeSettings(snippets_prefix="/paste", highlight_prefix="/tools/hl", diff_prefix="/tools/diff")


@pytest.fixture(scope="module")
def prefixed_site():
    """The site under other prefixes; the paste site's prefix reaches Django as its settings
    (apps.snippets.wsgi.create_app), put back as they were afterwards."""
    from django.conf import settings

    saved = {name: getattr(settings, name) for name in mounted_at("")}
    yield create_site(PREFIXES)
    for name, value in saved.items():
        setattr(settings, name, value)


@pytest.fixture
def client(prefixed_site):
    return Client(prefixed_site)


def test_the_root_leads_to_the_paste_site(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/paste/"


@pytest.mark.django_db
def test_the_paste_site_builds_urls_and_redirects_under_its_prefix(client):
    page = client.get("/paste/").get_data(as_text=True)
    assert 'action=""' in page or 'method="post"' in page
    assert 'href="/paste/static/snippets/snippets.css"' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/paste/", data={"content": "print(1)\n", "lexer": "python", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/paste/s/")
    assert client.get(response.headers["Location"] + "/raw").get_data(as_text=True) == "print(1)\n"


@pytest.mark.django_db
def test_a_snippets_preview_url_and_a_burn_snippets_reveal_are_under_its_prefix(client):
    made = client.post("/paste/api/snippets", json={"content": "x = 1\n"}).get_json()["id"]
    page = client.get(f"/paste/s/{made}").get_data(as_text=True)
    assert f'<meta property="og:url" content="http://localhost/paste/s/{made}">' in page
    burn = client.post("/paste/api/snippets", json={"content": "secret\n", "burn": True}).get_json()["id"]
    step = client.get(f"/paste/s/{burn}").get_data(as_text=True)
    assert f'<form method="post" action="/paste/s/{burn}/reveal"' in step and "secret" not in step
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', step).group(1)
    shown = client.post(f"/paste/s/{burn}/reveal", data={"csrfmiddlewaretoken": token})
    assert shown.status_code == 200 and "secret" in shown.get_data(as_text=True)


@pytest.mark.django_db
def test_the_paste_site_cookies_stay_under_its_prefix(client):
    [cookie] = [c.strip() for c in client.get("/paste/").headers.getlist("Set-Cookie")]
    assert cookie.startswith("snippets_csrftoken=")
    assert "Path=/paste/" in cookie


def test_the_highlighter_builds_urls_under_its_prefix(client):
    page = client.get("/tools/hl/").get_data(as_text=True)
    assert 'data-api="/tools/hl/api/highlight"' in page
    assert 'src="/tools/hl/static/playground.js"' in page


def test_the_diff_viewer_builds_urls_under_its_prefix(client):
    page = client.get("/tools/diff/").get_data(as_text=True)
    assert 'action="/tools/diff/"' in page
    assert 'href="/tools/diff/static/diffviewer.css"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/tools/hl/static/playground.js",
        "/tools/diff/static/diffviewer.css",
        "/_site/site.css",
    ],
)
def test_static_files_are_served_under_each_prefix(client, url):
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"].startswith("max-age=")


def test_the_site_header_links_to_the_prefixed_apps(client):
    page = client.get("/tools/diff/").get_data(as_text=True)
    for link in ['href="/paste/"', 'href="/tools/hl/"', 'href="/tools/diff/"']:
        assert link in page
