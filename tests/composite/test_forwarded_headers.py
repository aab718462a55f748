"""Made-up proxy and Host headers, on every app's pages and ``/healthz``: never a 5xx, never a
URL with a scheme or a host the site does not own.

The site here is behind one trusted proxy (the suite's ``PROXY_HOPS=1``; the test client
connects with no address, like a Unix socket), the worst case: every header below reaches
``ProxyFix``. The allowed hosts are the test settings' (localhost, site.example, …).
"""

import re

import pytest
from django.core.cache import cache

FOREIGN = "evil.example"
CASES = {
    "javascript scheme": {"X-Forwarded-Proto": "javascript"},
    "javascript scheme, Host localhost": {"X-Forwarded-Proto": "javascript", "Host": "localhost"},
    "data scheme": {"X-Forwarded-Proto": "data"},
    "scheme list": {"X-Forwarded-Proto": "https, javascript"},
    "empty scheme": {"X-Forwarded-Proto": ""},
    "capital HTTPS": {"X-Forwarded-Proto": "HTTPS"},
    "long scheme": {"X-Forwarded-Proto": "s" * 8000},
    "unicode scheme": {"X-Forwarded-Proto": "httpś"},
    "foreign host": {"X-Forwarded-Host": FOREIGN},
    "foreign host with port": {"X-Forwarded-Host": f"{FOREIGN}:6666"},
    "allowed host, odd port": {"X-Forwarded-Host": "site.example:6666"},
    "allowed host, https port over http": {"X-Forwarded-Host": "site.example:443"},
    "allowed host, huge port": {"X-Forwarded-Host": "site.example:99999999999999999999"},
    "allowed host, garbage port": {"X-Forwarded-Host": "site.example:abc"},
    "host list ending foreign": {"X-Forwarded-Host": f"site.example, {FOREIGN}"},
    "host with userinfo": {"X-Forwarded-Host": f"site.example@{FOREIGN}"},
    "host with path": {"X-Forwarded-Host": f"site.example/{FOREIGN}"},
    "empty host": {"X-Forwarded-Host": ""},
    "long host": {"X-Forwarded-Host": "h" * 8000 + ".example"},
    "unicode host": {"X-Forwarded-Host": "sité.example"},
    "IPv6 host": {"X-Forwarded-Host": "[::1]:6666"},
    "forwarded port only": {"X-Forwarded-Port": "6666"},
    "garbage port only": {"X-Forwarded-Port": "-1"},
    "every header at once": {"X-Forwarded-Proto": "javascript", "X-Forwarded-Host": FOREIGN,
                             "X-Forwarded-Port": "6666", "X-Forwarded-For": "not an address"},
    "garbage for": {"X-Forwarded-For": "<script>, ::::, " + "f" * 4000},
    "RFC 7239 Forwarded (not read)": {"Forwarded": f"for=evil;proto=javascript;host={FOREIGN}"},
    "prefix (not read)": {"X-Forwarded-Prefix": "/evil"},
    "rewrite headers (not read)": {"X-Original-URL": "/admin/", "X-Rewrite-URL": "/admin/"},
    "foreign Host": {"Host": FOREIGN},
    "Host by address": {"Host": "10.0.0.7"},
    "Host with odd port": {"Host": "localhost:6666"},
    "https through the proxy": {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "site.example"},
}
SITE_HOSTS = ("localhost", "site.example")


def pages(snippet):
    """(method, path, form fields) for a page of each app, the API, redirects and /healthz."""
    return [
        ("GET", "/", None),
        ("GET", f"/s/{snippet}", None),
        ("GET", f"/s/{snippet}/raw", None),
        ("GET", "/api/snippets/" + snippet, None),
        ("POST", "/api/snippets", {"content": "x = 1\n", "lexer": "python"}),
        ("GET", "/highlight/", None),
        ("GET", "/highlight", None),  # a redirect to the mount's slash
        ("GET", "/highlight/styles//default.css", None),  # Werkzeug's merge-slashes redirect
        ("POST", "/highlight/api/highlight", {"code": "x = 1\n", "lexer": "python"}),
        ("GET", "/diff/", None),
        ("GET", f"/diff/compare?left=/s/{snippet}/raw&right=/s/{snippet}/raw", None),
        ("GET", "/healthz", None),
    ]


def urls_in(response):
    """Every absolute URL the answer names: in its Location and its body."""
    text = response.headers.get("Location", "") + "\n" + response.get_data(as_text=True)
    return re.findall(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]*", text)


def problems(method, path, response):
    found = []
    if response.status_code >= 500:
        found.append(f"{response.status_code}: {response.get_data(as_text=True)[:200]}")
    location = response.headers.get("Location", "")
    if location.lower().startswith(("javascript", "data", "//")) or FOREIGN in location:
        found.append(f"Location {location[:100]!r}")
    for url in urls_in(response):
        scheme, _, rest = url.partition("://")
        host = re.split(r"[/?#]", rest, maxsplit=1)[0]
        if scheme not in ("http", "https") or host not in SITE_HOSTS + ("www.w3.org",):  # + SVG's namespace
            found.append(f"URL {url[:100]!r}")
    return [f"{method} {path}: {problem}" for problem in found]


@pytest.fixture
def snippet(client):
    response = client.post("/api/snippets", data={"content": "a = 1\n", "lexer": "python"})
    assert response.status_code == 201
    return response.get_json()["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("headers", CASES.values(), ids=CASES.keys())
def test_no_made_up_header_gives_a_5xx_or_a_url_the_site_does_not_own(client, snippet, headers):
    cache.clear()
    found = []
    for method, path, fields in pages(snippet):
        response = client.open(path, method=method, data=fields, headers=headers)
        found += problems(method, path, response)
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_a_javascript_scheme_is_ignored_and_the_api_answers_http(client):
    response = client.post("/api/snippets", data={"content": "x\n"}, headers={"X-Forwarded-Proto": "javascript"})
    assert response.status_code == 201
    assert response.get_json()["url"].startswith("http://localhost/s/")
    assert response.headers["Location"].startswith(("/s/", "http://localhost/s/"))


@pytest.mark.django_db
@pytest.mark.parametrize("host", [FOREIGN, f"{FOREIGN}:6666", "site.example:6666"])
def test_a_forwarded_host_the_site_does_not_answer_to_is_refused(client, host):
    response = client.post("/api/snippets", data={"content": "x\n"}, headers={"X-Forwarded-Host": host})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_host"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/highlight/styles//default.css", "/diff/", "/_site/site.css"])
def test_a_foreign_host_is_refused_before_any_app_or_static_file(client, path):
    response = client.get(path, headers={"Host": FOREIGN})
    assert response.status_code == 400
    assert "Location" not in response.headers


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["10.0.0.7", "10.0.0.7:8000", FOREIGN, "[fd00::1]"])
def test_healthz_answers_a_load_balancer_probing_by_address(client, host):
    response = client.get("/healthz", headers={"Host": host})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["status"] == "ok"
