"""The rate limits as production runs them: two instances of the Procfile's gunicorn behind
one address, sharing Redis, each client known by the X-Forwarded-For its proxy wrote.

A client spread across both instances is held to one budget; another client is not; the
calls the site makes to itself (a snippet page asking the highlighter) are never counted
against the visitor; /healthz is never limited.
"""

import contextlib
import uuid

import httpx
import pytest

from tests import servers

pytestmark = pytest.mark.server

WRITES = 6


def an_address():
    """A client address of this run only, so counts left in Redis by another run never meet it."""
    value = uuid.uuid4().int
    return f"198.18.{value % 256}.{(value >> 8) % 254 + 1}"


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    data = tmp_path_factory.mktemp("ratelimit")
    env = servers.site_environment(
        data, REDIS_URL="redis://127.0.0.1:6379/0", RATELIMIT_ENABLED="true", PROXY_HOPS="1",
        RATELIMIT_WRITES=f"{WRITES}/minute", RATELIMIT_HIGHLIGHT="2/minute", WEB_CONCURRENCY="1",
    )
    env.pop("DATABASE_URL", None)  # both instances share one SQLite file
    servers.migrate(env)
    with contextlib.ExitStack() as stack:
        urls = []
        for name in ("a", "b"):
            port = servers.free_port()
            stack.enter_context(servers.running(servers.procfile_command("web"), env, port, data / f"{name}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        yield urls


def create(url, client_address, text="print(1)\n"):
    return httpx.post(f"{url}/api/snippets", data={"content": text, "lexer": "python"},
                      headers={"X-Forwarded-For": client_address}, timeout=10)


def test_a_client_spread_over_two_instances_is_held_to_one_budget(instances):
    a, b = instances
    address = an_address()
    codes = [create((a, b)[number % 2], address).status_code for number in range(WRITES + 2)]
    assert codes == [201] * WRITES + [429, 429]
    refused = create(a, address)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["RateLimit-Policy"] == f'"writes";q={WRITES};w=60'
    assert create(b, an_address()).status_code == 201  # someone else is not affected


def test_reading_and_health_are_never_limited(instances):
    a, _ = instances
    address = an_address()
    page = create(a, address).json()["url"]
    for _ in range(WRITES + 1):
        create(a, address)
    with httpx.Client(headers={"X-Forwarded-For": address}, timeout=10) as http:
        assert {http.get(page).status_code for _ in range(20)} == {200}
        assert {http.get(f"{a}/healthz").status_code for _ in range(20)} == {200}


def test_the_sites_calls_to_itself_do_not_count_against_the_visitor(instances):
    a, b = instances
    writer = an_address()
    pages = [create(a, writer, f"value_{number} = {number}\n").json()["url"] for number in range(4)]
    visitor = an_address()
    with httpx.Client(headers={"X-Forwarded-For": visitor}, timeout=10) as http:
        for page in pages:  # each first view asks the highlighter in-process
            assert '<span class="n">value_' in http.get(page).text
        highlight = {"code": "x = 1\n", "lexer": "python"}
        codes = [http.post(f"{b}/highlight/api/highlight", json=highlight).status_code for _ in range(3)]
    assert codes == [200, 200, 429]  # the visitor's own two calls were the first two counted
