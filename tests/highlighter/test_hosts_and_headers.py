"""The highlighter answers only its own host names, and its HTML cannot be framed or run
script (issue 9, items 9 and 13)."""

import pytest

from apps import sitewide

FIELDS = {"code": "x = 1\n", "lexer": "python"}


# Host


def test_a_foreign_host_gets_a_clear_400_not_a_redirect_to_itself(app_with):
    """Werkzeug would answer ``308 Location: http://evil.example/styles/default.css``."""
    api = app_with(ALLOWED_HOSTS=["localhost"])
    response = api.get("/styles//default.css", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert response.json["error"]["code"] == "bad_host"
    assert "evil.example" in response.json["error"]["message"]
    assert "ALLOWED_HOSTS" in response.json["error"]["message"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_fast_path_does_not_answer_a_foreign_host_either(app_with):
    api = app_with(ALLOWED_HOSTS=["localhost"])
    assert api.post("/api/highlight", json=FIELDS).status_code == 200  # cached, remembered
    assert api.post("/api/highlight", json=FIELDS, headers={"Host": "evil.example"}).status_code == 400


def test_allowed_hosts_follow_djangos_syntax(app_with):
    api = app_with(ALLOWED_HOSTS=[".example.com", "10.0.0.5"])
    for host in ("example.com", "www.example.com", "www.example.com:8443", "10.0.0.5:8001"):
        assert api.get("/_health", headers={"Host": host}).status_code == 200, host
    for host in ("example.com.evil.example", "localhost", "10.0.0.6", "bad host", "example.com:99999"):
        assert api.get("/_health", headers={"Host": host}).status_code == 400, host


def test_a_star_allows_any_well_formed_host(app_with):
    api = app_with(ALLOWED_HOSTS=["*"])
    assert api.get("/_health", headers={"Host": "anything.example"}).status_code == 200
    assert api.get("/_health", headers={"Host": "bad<host>"}).status_code == 400


def test_with_no_allowed_hosts_nothing_is_answered(app_with):
    """As Django does outside DEBUG: an unconfigured site answers no one."""
    api = app_with(ALLOWED_HOSTS=[])
    response = api.get("/_health")
    assert response.status_code == 400
    assert "ALLOWED_HOSTS is empty" in response.json["error"]["message"]


def test_by_default_the_allowed_hosts_are_the_sites(app_with, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "code.example")
    assert sitewide.allowed_hosts() == ["code.example"]
    api = app_with()
    assert api.get("/_health", headers={"Host": "code.example"}).status_code == 200
    assert api.get("/_health", headers={"Host": "localhost"}).status_code == 400


def test_a_redirect_for_an_allowed_host_still_works(api):
    response = api.get("/styles//default.css")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/styles/default.css")


# Framing and CSP


def test_the_playground_has_the_sites_csp_and_cannot_be_framed(api):
    response = api.get("/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert policy == sitewide.content_security_policy(form_targets=sitewide.form_origins())
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)  # its script is a file


def test_the_legacy_fragment_has_the_csp_too(api):
    """It is highlighted text served as HTML: a page posting to it must not run anything."""
    response = api.post("/", data={"lang": "html", "code": "<script>alert(1)</script>"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/api/lexers", "/styles/default.css", "/api/openapi.json"])
def test_every_answer_is_nosniff(api, path):
    assert api.get(path).headers["X-Content-Type-Options"] == "nosniff"
