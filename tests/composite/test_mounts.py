"""The mount table: which app answers which URL, as a visitor meets it."""

import pytest


@pytest.mark.django_db
def test_the_paste_site_answers_the_root(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"New snippet" in response.data


def test_the_highlighter_answers_under_highlight(client):
    response = client.get("/highlight/")
    assert response.status_code == 200
    assert b"Highlighter playground" in response.data


def test_the_diff_viewer_answers_under_diff(client):
    response = client.get("/diff/")
    assert response.status_code == 200
    assert b"Compare two texts" in response.data


@pytest.mark.parametrize("mount", ["/highlight", "/diff"])
def test_a_mount_point_without_its_slash_redirects_to_it(client, mount):
    response = client.get(mount + "?x=1")
    assert response.status_code == 301
    assert response.headers["Location"] == mount + "/?x=1"


def test_a_post_to_a_bare_mount_point_keeps_its_method(client):
    response = client.post("/diff", data={"left": "a", "right": "b"})
    assert response.status_code == 308


@pytest.mark.django_db
def test_every_page_shows_the_site_header_linking_all_three_apps(client):
    for url in ["/", "/highlight/", "/diff/"]:
        page = client.get(url).get_data(as_text=True)
        for link in ['href="/"', 'href="/highlight/"', 'href="/diff/"', 'href="/_site/site.css"']:
            assert link in page, (url, link)


@pytest.mark.django_db
def test_every_app_leads_home_shows_the_site_icon_and_marks_where_you_are(client):
    for url in ["/", "/highlight/", "/diff/"]:
        page = client.get(url).get_data(as_text=True)
        assert '<a class="site-name" href="/">' in page, url
        assert 'rel="icon" href="/_site/favicon.svg"' in page, url
        assert f'href="{url}" aria-current="page"' in page, url
    with client.get("/_site/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_a_browsers_own_favicon_request_is_sent_to_the_site_icon(client):
    # Raw text and JSON answers name no icon, so browsers ask for /favicon.ico.
    with client.get("/favicon.ico") as asked:
        assert asked.status_code == 301 and asked.headers["Location"] == "/_site/favicon.svg"
        assert "max-age" in asked.headers["Cache-Control"]
    with client.get("/favicon.ico", follow_redirects=True) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert client.post("/favicon.ico").status_code != 301  # only GET and HEAD are redirected


@pytest.mark.django_db
def test_healthz_reports_every_app_and_a_real_database_query(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json
    assert report["status"] == "ok"
    assert set(report["apps"]) == {"snippets", "highlighter", "diffviewer"}
    assert report["apps"]["snippets"]["database"] in ("sqlite", "postgresql")
