"""Issue 9, item 8 and the composite's part of 9, through the Procfile's gunicorn: made-up proxy
and Host headers never give a 5xx or a URL the site does not own; a Host the site does not
answer to is refused at the door; ``/healthz`` answers a load balancer probing by address.

The ``web`` server's clients connect from loopback, which is where a proxy on this host
would connect from: the worst case, where every X-Forwarded-* header reaches ProxyFix.
"""

import httpx
import pytest

from tests import servers
from tests.composite.test_forwarded_headers import CASES, FOREIGN
from tests.hostile.probe import HealthProbe

pytestmark = pytest.mark.server


def test_a_javascript_scheme_never_reaches_a_url(web):
    with httpx.Client(base_url=web.url, timeout=10) as http:
        response = http.post("/api/snippets", data={"content": "x\n"}, headers={"X-Forwarded-Proto": "javascript"})
    assert response.status_code == 201, response.text
    assert response.json()["url"].startswith(f"{web.url}/s/")
    assert "javascript" not in response.headers.get("Location", "")


@pytest.mark.parametrize("headers", CASES.values(), ids=CASES.keys())
def test_no_made_up_header_gives_a_5xx(web, headers):
    headers = {name: value for name, value in headers.items() if value.isascii()}  # httpx sends ASCII
    with httpx.Client(base_url=web.url, timeout=10) as http:
        for method, path in [("GET", "/healthz"), ("GET", "/"), ("GET", "/highlight/styles//default.css"),
                             ("GET", "/diff/"), ("POST", "/api/snippets")]:
            data = {"content": "x\n"} if method == "POST" else None
            response = http.request(method, path, data=data, headers=headers)
            assert response.status_code < 500, (method, path, response.status_code, response.text[:300])
            assert FOREIGN not in response.headers.get("Location", "")
            assert "javascript:" not in response.headers.get("Location", "")


@pytest.mark.parametrize(
    "header",
    [b"X-Forwarded-Proto: htt\xc3\xa9ps", b"X-Forwarded-Host: sit\xc3\xa9.example", b"X-Forwarded-Host: \xff\xfe",
     b"Host: \xc3\xa9vil.example"],
)
def test_bytes_that_are_not_ascii_in_a_header_give_no_5xx(web, header):
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + b"\r\nConnection: close\r\n\r\n"
    if header.startswith(b"Host:"):
        request = b"GET / HTTP/1.1\r\n" + header + b"\r\nConnection: close\r\n\r\n"
    answer = servers.raw_exchange(web.port, request)
    status = int(answer.split(b" ", 2)[1])
    assert status < 500, answer[:300]


def test_a_foreign_host_is_refused_before_the_highlighter_builds_a_redirect(web):
    """The cacheable ``308 Location: http://evil.example/…`` of issue 9, item 9."""
    with httpx.Client(base_url=web.url, timeout=10) as http:
        response = http.get("/highlight/styles//default.css", headers={"Host": FOREIGN})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "does not answer to the host name" in response.text


@pytest.mark.parametrize("host", ["10.0.0.7", "10.0.0.7:8000", FOREIGN])
def test_healthz_answers_a_load_balancer_probing_by_address(web, host):
    with httpx.Client(base_url=web.url, timeout=10) as http:
        response = http.get("/healthz", headers={"Host": host})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"


def test_a_flood_of_made_up_headers_leaves_healthz_answering(web):
    with HealthProbe(web.url) as probe, httpx.Client(base_url=web.url, timeout=10) as http:
        for _ in range(3):
            for headers in CASES.values():
                headers = {name: value for name, value in headers.items() if value.isascii()}
                assert http.get("/", headers=headers).status_code < 500
    probe.assert_answered_within(0.5)


def test_exposed_directly_a_clients_proxy_headers_are_ignored(tmp_path):
    """Clients from addresses outside PROXY_PEERS pick neither the scheme nor the host of our URLs."""
    with servers.running_site(tmp_path, PROXY_PEERS="192.0.2.0/24") as url:
        with httpx.Client(base_url=url, timeout=10) as http:
            response = http.post(
                "/api/snippets", data={"content": "x\n"},
                headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "localhost", "X-Forwarded-Port": "443"},
            )
    assert response.status_code == 201, response.text
    assert response.json()["url"].startswith(f"{url}/s/")
