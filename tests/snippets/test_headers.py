"""Headers (issue 9 item 13): one CSP on every page and no inline script to need another;
every cookie Secure over https; raw and downloads cached privately and revalidated, so a
deleted snippet is gone at once."""

import re
from pathlib import Path

import pytest

from apps import sitewide

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "apps" / "snippets" / "templates"
HTTPS = "https://localhost"


@pytest.mark.parametrize("path", ["/", "/mine", "/s/{id}", "/s/{id}/delete", "/s/{id}/fork", "/s/nothing-here"])
def test_every_page_has_the_sites_csp_and_may_not_be_framed(client, paste, path):
    snippet = paste()
    response = client.get(path.format(id=snippet["id"]))
    csp = response.headers["Content-Security-Policy"]
    assert csp == sitewide.content_security_policy(form_targets=sitewide.form_origins())
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp


def test_raw_keeps_its_own_sandbox(client, paste):
    response = client.get(f"/s/{paste()['id']}/raw")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_templates_hold_no_inline_script_and_no_event_handler_attributes():
    """The CSP allows scripts from the site only: inline ones would silently not run."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template


def test_the_style_cookie_is_secure_over_https_httponly_and_lax(client, paste):
    snippet = paste()
    cookie = client.get(f"/s/{snippet['id']}?style=default", base_url=HTTPS).headers["Set-Cookie"].strip()
    assert cookie.startswith("snippets_style=default")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_style_cookie_is_not_secure_over_plain_http(client, paste):
    cookie = client.get(f"/s/{paste()['id']}?style=default").headers["Set-Cookie"]
    assert "Secure" not in cookie


def test_every_cookie_is_secure_over_https(client):
    """Session, CSRF and messages cookies, even with SECURE_COOKIES=false (the test settings)."""
    page = client.get("/", base_url=HTTPS)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    created = client.post(
        "/", base_url=HTTPS, data={"csrfmiddlewaretoken": token, "content": "x = 1\n"},
        headers={"Origin": HTTPS, "Referer": HTTPS + "/"},
    )
    assert created.status_code == 302
    cookies = page.headers.getlist("Set-Cookie") + created.headers.getlist("Set-Cookie")
    names = {cookie.strip().split("=", 1)[0] for cookie in cookies}
    assert {"snippets_csrftoken", "snippets_session"} <= names
    assert all("Secure" in cookie for cookie in cookies), cookies


@pytest.mark.parametrize("path", ["/s/{}/raw", "/s/{}/download"])
def test_raw_and_downloads_are_cached_privately_and_revalidated(client, paste, path):
    snippet = paste()
    response = client.get(path.format(snippet["id"]))
    assert response.headers["Cache-Control"] == "private, no-cache"
    etag = response.headers["ETag"]
    assert client.get(path.format(snippet["id"]), headers={"If-None-Match": etag}).status_code == 304
    client.delete(f"/api/snippets/{snippet['id']}", headers={"Authorization": f"Token {snippet['delete_token']}"})
    assert client.get(path.format(snippet["id"]), headers={"If-None-Match": etag}).status_code == 404
