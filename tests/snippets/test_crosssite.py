"""Cross-site writes (issue 9 item 11): a page on another site cannot make a visitor's
browser create, change or delete anything; curl and other programs need no ceremony.

Browsers name the sender of every cross-origin write (``Origin``, ``Sec-Fetch-Site``);
curl sends neither.
"""

import pytest

from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db

EVIL = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}


def api_post(client, headers, **kwargs):
    kwargs.setdefault("data", "x = 1\n")
    kwargs.setdefault("content_type", "text/plain")
    return client.post("/api/snippets", headers=headers, **kwargs)


@pytest.mark.parametrize(
    "headers",
    [
        EVIL,
        {"Origin": "https://evil.example"},  # an older browser: Origin only
        {"Sec-Fetch-Site": "cross-site"},  # Origin stripped (a no-referrer redirect)
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},  # a sandboxed frame, a data: page
        {"Origin": "http://sub.localhost", "Sec-Fetch-Site": "same-site"},  # a sibling sub-domain
    ],
    ids=["origin-and-fetch-site", "origin-only", "fetch-site-only", "null-origin", "same-site-sibling"],
)
def test_a_cross_site_text_plain_post_to_the_api_is_refused_with_a_clear_403(client, headers):
    response = api_post(client, headers)
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "cross_site" and "another site" in error["message"]
    assert not Snippet.objects.exists()


def test_a_cross_site_form_post_to_the_api_is_refused(client):
    response = client.post("/api/snippets", data={"content": "x = 1\n"}, headers=EVIL)
    assert response.status_code == 403
    assert not Snippet.objects.exists()


def test_a_cross_site_delete_is_refused_even_with_the_right_token(client, paste):
    snippet = paste()
    response = client.delete(
        f"/api/snippets/{snippet['id']}", headers={**EVIL, "Authorization": f"Token {snippet['delete_token']}"}
    )
    assert response.status_code == 403
    assert Snippet.objects.filter(pk=snippet["id"]).exists()


def test_a_cross_site_post_of_the_create_form_is_refused(client):
    response = client.post("/", data={"content": "x = 1\n"}, headers=EVIL)
    assert response.status_code == 403
    assert "another site" in response.get_data(as_text=True)
    assert not Snippet.objects.exists()


def test_curl_needs_no_ceremony(client, paste):
    response = api_post(client, {})
    assert response.status_code == 201
    created = response.get_json()
    deleted = client.delete(f"/api/snippets/{created['id']}", headers={"Authorization": f"Token {created['delete_token']}"})
    assert deleted.status_code == 204


def test_the_sites_own_pages_may_write(client, post_form):
    own = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert api_post(client, own).status_code == 201
    assert post_form(content="y = 2\n").status_code == 302  # the form, with its CSRF token


def test_an_origin_in_csrf_trusted_origins_may_write(client, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://tools.example", "https://*.corp.example"]
    assert api_post(client, {"Origin": "https://tools.example", "Sec-Fetch-Site": "cross-site"}).status_code == 201
    assert api_post(client, {"Origin": "https://a.corp.example", "Sec-Fetch-Site": "cross-site"}).status_code == 201
    assert api_post(client, {"Origin": "https://corp.example.evil", "Sec-Fetch-Site": "cross-site"}).status_code == 403


def test_reads_are_not_affected(client, paste):
    snippet = paste()
    assert client.get(f"/s/{snippet['id']}/raw", headers=EVIL).status_code == 200
