"""Behind a PaaS router: proxy headers are honoured once, for all three apps."""

import re

import pytest

HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "site.example", "X-Forwarded-For": "203.0.113.9"}


def post_form_through_the_router(client, origin):
    """What a browser does over HTTPS behind the PaaS router: fetch the form, post it back."""
    page = client.get("/", headers=HTTPS)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(
        "/",
        data={"content": "x = 1\n", "csrfmiddlewaretoken": token},
        headers={**HTTPS, "Origin": origin, "Referer": origin + "/"},
    )


@pytest.mark.django_db
def test_a_form_post_over_https_through_the_router_passes_csrf(client):
    response = post_form_through_the_router(client, "https://site.example")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.mark.django_db
def test_a_cross_origin_form_post_is_refused(client):
    assert post_form_through_the_router(client, "https://evil.example").status_code == 403
