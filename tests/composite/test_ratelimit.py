"""The site's one rate-limit policy (composite.ratelimit), on a stand-in app.

What it proves: each kind of request draws on its own budget, per client address; over it
the client gets 429 with Retry-After and the RateLimit headers, JSON for an API and a page
for a person; reads are free by default; Redis shares the counts; a dead store fails open.
"""

import logging
import uuid

import pytest
import redis
from werkzeug.test import Client

from composite.ratelimit import Budgets, Classifier, RateLimit, client_key

PREFIXES = {"snippets": "", "highlighter": "/highlight", "diffviewer": "/diff"}
REDIS = "redis://127.0.0.1:6379/0"


def ok_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def site(budgets, storage="memory://"):
    return Client(RateLimit(ok_app, PREFIXES, budgets, storage))


def from_address(address):
    return {"REMOTE_ADDR": address}


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/api/snippets", "writes"),
        ("POST", "/", "writes"),
        ("DELETE", "/api/snippets/abc", "writes"),
        ("POST", "/s/abc/fork", "writes"),
        ("POST", "/admin/login/", "login"),
        ("GET", "/admin/login/", "reads"),
        ("GET", "/s/abc", "reads"),
        ("GET", "/s/abc/raw", "reads"),
        ("POST", "/highlight/api/highlight", "highlight"),
        ("POST", "/highlight/", "highlight"),
        ("GET", "/highlight/api/lexers", "reads"),
        ("POST", "/diff/api/diff", "diff"),
        ("POST", "/diff/", "diff"),
        ("GET", "/diff/compare", "diff"),
        ("POST", "/diff/save", "writes"),  # Save makes snippets: the paste site's budget
        ("GET", "/diff/", "reads"),
        ("GET", "/highlighter-lookalike", "reads"),
    ],
)
def test_each_request_draws_on_the_budget_of_its_kind(method, path, kind):
    assert Classifier(PREFIXES)(method, path) == kind


def test_a_client_over_its_write_budget_gets_429_with_the_rate_limit_headers():
    client = site(Budgets(writes="3/minute"))
    answers = [client.post("/api/snippets", environ_base=from_address("203.0.113.7")) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Policy"] == '"writes";q=3;w=60'
    assert refused.headers["RateLimit"].startswith('"writes";r=0;t=')
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited" and "3 per minute" in error["message"]


def test_a_person_over_the_budget_gets_a_page_that_says_why():
    client = site(Budgets(writes="1/minute"))
    client.post("/", environ_base=from_address("203.0.113.8"))
    refused = client.post("/", environ_base=from_address("203.0.113.8"), headers={"Accept": "text/html"})
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert "Try again in" in refused.get_data(as_text=True)


def test_budgets_are_per_client_and_per_kind():
    client = site(Budgets(writes="1/minute", highlight="1/minute"))
    assert client.post("/api/snippets", environ_base=from_address("198.51.100.1")).status_code == 200
    assert client.post("/api/snippets", environ_base=from_address("198.51.100.2")).status_code == 200
    assert client.post("/highlight/api/highlight", environ_base=from_address("198.51.100.1")).status_code == 200
    assert client.post("/api/snippets", environ_base=from_address("198.51.100.1")).status_code == 429


def test_reading_is_unlimited_unless_a_read_budget_is_set():
    free = site(Budgets(writes="1/minute"))
    assert {free.get("/s/abc", environ_base=from_address("192.0.2.1")).status_code for _ in range(50)} == {200}
    limited = site(Budgets(reads="2/minute"))
    codes = [limited.get("/s/abc", environ_base=from_address("192.0.2.1")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_an_ipv6_client_is_counted_by_its_64_network():
    assert client_key(from_address("2001:db8:1:2:aaaa::1")) == client_key(from_address("2001:db8:1:2:bbbb::9"))
    assert client_key(from_address("2001:db8:1:3::1")) != client_key(from_address("2001:db8:1:2::1"))
    assert client_key(from_address("::ffff:192.0.2.5")) == "192.0.2.5"
    assert client_key(from_address("not an address")) == "not an address"


def test_with_redis_every_process_shares_the_counts():
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    one, other = site(Budgets(diff="2/minute"), REDIS), site(Budgets(diff="2/minute"), REDIS)
    assert one.post("/diff/api/diff", environ_base=from_address(address)).status_code == 200
    assert other.post("/diff/api/diff", environ_base=from_address(address)).status_code == 200
    assert one.post("/diff/api/diff", environ_base=from_address(address)).status_code == 429
    assert other.post("/diff/api/diff", environ_base=from_address(address)).status_code == 429
    redis.Redis.from_url(REDIS).close()


def test_a_store_that_fails_lets_requests_through_and_says_so(caplog):
    dead = site(Budgets(writes="1/minute"), "redis://127.0.0.1:9/0")
    with caplog.at_level(logging.WARNING, logger="composite.ratelimit"):
        codes = {dead.post("/api/snippets", environ_base=from_address("192.0.2.9")).status_code for _ in range(3)}
    assert codes == {200}
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and "rate limits not enforced" in warnings[0]


def test_a_store_that_never_answers_is_given_up_on_and_the_request_served():
    """Given up on by the store's own timeout (0.25 s per try), not waited out: the request
    is served, and every connection the site opened to the store is one it closed itself."""
    import socket

    from tests.waiting import PATIENCE, Running

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections (the kernel does), never answers a byte
    port = silent.getsockname()[1]
    try:
        hung = site(Budgets(writes="1/minute"), f"redis://127.0.0.1:{port}/0")
        served = Running(lambda: hung.post("/api/snippets", environ_base=from_address("192.0.2.10")).status_code)
        assert served.join() == 200
        silent.setblocking(False)
        opened = []
        while True:
            try:
                opened.append(silent.accept()[0])
            except BlockingIOError:
                break
        assert opened, "the site never tried the store"
        for connection in opened:
            with connection:
                connection.settimeout(PATIENCE)
                while connection.recv(65536):  # what it asked, then the end: it hung up
                    pass
    finally:
        silent.close()
