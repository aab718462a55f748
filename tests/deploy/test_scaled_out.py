"""The scaled-out topology (docs/deployment.md), run for real from ``deploy/Procfile.scaled``.

One gunicorn serves the highlighter alone (``MOUNT_APPS=highlighter``). Two gunicorns
(instances A and B) serve the paste site and the diff viewer (``MOUNT_APPS=snippets,diffviewer``)
and reach the highlighter at ``HIGHLIGHTER_URL``. Both share a fresh PostgreSQL database and
a Redis database; all three get the same environment, as processes of one Procfile do.
In front of them, HAProxy (``tests/loadbalancer.py``) routes as a production router does,
probes each ``/healthz`` with an IP address as Host, and writes ``X-Forwarded-For``.

What reaches the highlighter is read from its own access log: a highlight an instance took
from the shared cache is one the highlighter service never saw.
"""

import contextlib
import re
import secrets

import httpx
import psycopg
import pytest
import redis

from tests import loadbalancer, servers
from tests.waiting import wait_until

pytestmark = pytest.mark.server

PROCFILE = "deploy/Procfile.scaled"
POSTGRES = "postgres://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379"
HIGHLIGHT_CALL = re.compile(r'"POST /highlight/api/highlight HTTP/1\.[01]" 200 ')
DIFF_BUDGET = 5  # RATELIMIT_DIFF per minute, for the test that a client is known by its address
CODE = 'def greet(name):\n\treturn f"héllo, {name}"  \r\n\n# ünïcode ✓\n'


@pytest.fixture(scope="module")
def database_url():
    """A fresh PostgreSQL database for this module, dropped afterwards."""
    name = f"composite_scaled_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL at {POSTGRES}: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield POSTGRES.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def redis_url():
    """An empty Redis database number of our own (claimed with a marker key), flushed afterwards."""
    try:
        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS}: {error}")
    claim = f"composite-scaled-out-test:{secrets.token_hex(6)}"
    for number in range(15, 0, -1):
        store = redis.Redis.from_url(f"{REDIS}/{number}", socket_timeout=3)
        if store.dbsize() == 0 and store.set(claim, "1", nx=True) and store.dbsize() == 1:
            try:
                yield f"{REDIS}/{number}"
            finally:
                store.flushdb()
                store.close()
            return
        store.close()
    pytest.skip("every Redis database 1-15 is in use")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, database_url, redis_url):
    """The highlighter service and instances A and B, as their Procfile lines start them."""
    root = tmp_path_factory.mktemp("scaled")
    commands = servers.procfile_commands(PROCFILE)
    if not loadbalancer.available():
        pytest.skip("HAProxy is not installed (Debian package haproxy; tests/system-deps.sh)")
    ports = {name: servers.free_port() for name in ("highlighter", "A", "B", "balancer")}
    shared = {  # one environment for every process, as a PaaS gives the processes of one app
        "HOST": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "HIGHLIGHTER_URL": f"http://127.0.0.1:{ports['highlighter']}/highlight",
        "SNIPPETS_URL": f"http://127.0.0.1:{ports['A']}",
        "DIFFVIEWER_URL": f"http://127.0.0.1:{ports['A']}/diff",
        "ALLOWED_HOSTS": f"127.0.0.1,localhost,127.0.0.1:{ports['balancer']}",  # the public address: the balancer's
        "PROXY_HOPS": "1",  # the load balancer
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_WRITES": "1000/minute",
        "RATELIMIT_DIFF": f"{DIFF_BUDGET}/minute",
    }
    with contextlib.ExitStack() as stack:
        highlighter_log = root / "highlighter.log"
        highlighter_env = servers.site_environment(root / "highlighter", **shared)
        stack.enter_context(servers.running(commands["highlighter"], highlighter_env, ports["highlighter"], highlighter_log))
        servers.migrate(servers.site_environment(root, **shared))  # the release: line, once
        instances = {}
        for name in ("A", "B"):
            env = servers.site_environment(root / name, **shared)
            stack.enter_context(servers.running(commands["web"], env, ports[name], root / f"{name}.log"))
            instances[name] = httpx.Client(base_url=f"http://127.0.0.1:{ports[name]}", timeout=15)
            stack.callback(instances[name].close)
        balancer = stack.enter_context(loadbalancer.running(
            root, ports["balancer"], {"a": ports["A"], "b": ports["B"]}, highlighter=ports["highlighter"]))
        yield Deployment(instances, highlighter_log, redis_url, f"http://127.0.0.1:{ports['highlighter']}", balancer,
                         {name: root / f"{name}.log" for name in ("A", "B")})


class Deployment:
    def __init__(self, instances, highlighter_log, redis_url, highlighter, balancer, logs):
        self.a, self.b = instances["A"], instances["B"]
        self.highlighter = highlighter
        self.highlighter_log = highlighter_log
        self.redis_url = redis_url
        self.balancer = balancer
        self.logs = logs

    def served_by(self, name, path):
        """How many access log lines of instance ``name`` name ``path``."""
        return self.logs[name].read_text(errors="replace").count(f" {path} HTTP/1.1")

    def highlights_served(self):
        """How many highlight requests the highlighter service has answered so far."""
        return len(HIGHLIGHT_CALL.findall(self.highlighter_log.read_text(errors="replace")))

    def assert_highlights_served(self, expected):
        """Exactly ``expected`` highlights reached the highlighter service. Its access-log line
        is written just after each response, so the count is read once a request of ours sent
        after them (a barrier) is in the log too: a highlight made before it is there by then."""
        barrier = secrets.token_hex(8)
        httpx.get(f"{self.highlighter}/highlight/api/lexers", params={"barrier": barrier}, timeout=60)
        wait_until(lambda: barrier in self.highlighter_log.read_text(errors="replace"), "the barrier request logged")
        assert self.highlights_served() == expected

    def create(self, instance, content):
        response = instance.post("/api/snippets", json={"content": content, "lexer": "python"})
        assert response.status_code == 201, response.text
        return response.json()


def is_highlighted(page):
    return '<span class="k">def</span>' in page and "showing plain text" not in page


def test_each_instance_serves_the_paste_site_and_diff_viewer_but_not_the_highlighter(deployment):
    for instance in (deployment.a, deployment.b):
        health = instance.get("/healthz")
        assert health.status_code == 200, health.text
        assert set(health.json()["apps"]) == {"snippets", "diffviewer"}
        assert instance.get("/diff/").status_code == 200
        assert instance.get("/highlight/").status_code == 404


def test_the_highlighter_service_serves_the_highlighter_only(deployment):
    with httpx.Client(base_url=deployment.highlighter, timeout=15) as service:
        health = service.get("/healthz")
        assert health.status_code == 200, health.text
        assert set(health.json()["apps"]) == {"highlighter"}
        assert service.get("/highlight/").status_code == 200
        assert service.get("/").status_code == 404


def test_a_snippet_created_on_a_is_served_by_b_highlighted_by_the_service(deployment):
    snippet = deployment.create(deployment.a, CODE)
    page = deployment.b.get(f"/s/{snippet['id']}")
    assert page.status_code == 200
    assert is_highlighted(page.text)
    raw = deployment.b.get(f"/s/{snippet['id']}/raw")
    assert raw.status_code == 200
    assert raw.content == CODE.encode()


def test_a_highlight_cached_by_one_instance_is_a_hit_for_the_other(deployment):
    """Counted at the highlighter service: the second instance never asks it."""
    before = deployment.highlights_served()
    snippet = deployment.create(deployment.a, CODE + f"# {secrets.token_hex(4)}\n")
    for instance in (deployment.a, deployment.b, deployment.a, deployment.b):
        assert is_highlighted(instance.get(f"/s/{snippet['id']}").text)
    # Whether rendered at creation on A or at the first view, the default style was asked once.
    deployment.assert_highlights_served(before + 1)

    # A style is a stylesheet over the same rendering: another style asks nobody again.
    assert is_highlighted(deployment.b.get(f"/s/{snippet['id']}", params={"style": "monokai"}).text)
    assert is_highlighted(deployment.a.get(f"/s/{snippet['id']}", params={"style": "monokai"}).text)
    deployment.assert_highlights_served(before + 1)

    keys = redis.Redis.from_url(deployment.redis_url).keys("*snippets:render:*")
    assert len(keys) >= 1


def test_the_diff_viewer_on_b_compares_snippets_created_on_a(deployment):
    left = deployment.create(deployment.a, "a = 1\nb = 2\n")
    right = deployment.create(deployment.a, "a = 1\nb = 20\n")
    page = deployment.b.get("/diff/compare", params={"left": f"/s/{left['id']}/raw", "right": f"/s/{right['id']}/raw"})
    assert page.status_code == 200, page.text
    assert "<ins" in page.text and "<del" in page.text


def test_the_load_balancer_finds_every_server_healthy_probing_with_an_ip_host(deployment):
    assert deployment.balancer.servers() == {
        ("instances", "a"): "UP", ("instances", "b"): "UP", ("highlighter", "highlighter"): "UP"}


def test_through_the_load_balancer_both_instances_serve_and_the_router_routes_by_path(deployment):
    with httpx.Client(base_url=deployment.balancer.url, timeout=15) as public:
        snippet = public.post("/api/snippets", json={"content": CODE, "lexer": "python"}).json()
        path = f"/s/{snippet['id']}"
        for _ in range(6):
            assert is_highlighted(public.get(path).text)
        assert public.get("/highlight/api/lexers").status_code == 200  # the highlighter service
        assert public.get("/diff/").status_code == 200
    assert deployment.served_by("A", path) >= 2 and deployment.served_by("B", path) >= 2


def test_a_client_is_known_by_its_address_whatever_x_forwarded_for_it_sends(deployment):
    """HAProxy appends the real address; with PROXY_HOPS=1 the site believes only that one."""
    diff = {"left": "a\n", "right": "b\n"}
    with httpx.Client(base_url=deployment.balancer.url, timeout=15) as public:
        codes = [
            public.post("/diff/api/diff", json=diff, headers={"X-Forwarded-For": f"203.0.113.{number}"}).status_code
            for number in range(DIFF_BUDGET + 2)
        ]
    assert codes.count(200) <= DIFF_BUDGET and codes[-1] == 429, codes


def test_one_request_id_follows_a_paste_from_the_balancer_to_the_highlighter(deployment):
    """HAProxy names the request; the instance logs it, answers with it and passes it on with
    its call to the highlighter service (creating a snippet renders it ahead)."""
    with httpx.Client(base_url=deployment.balancer.url, timeout=15) as public:
        created = public.post("/api/snippets", json={"content": CODE + f"# {secrets.token_hex(4)}\n", "lexer": "python"})
    assert created.status_code == 201
    request_id = created.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f-]{36}", request_id)  # HAProxy's uuid(), kept by the site
    tagged = f"rid={request_id}"

    def logged():
        instances = "".join(log.read_text(errors="replace") for log in deployment.logs.values())
        highlighter = [line for line in deployment.highlighter_log.read_text(errors="replace").splitlines()
                       if tagged in line]
        return tagged in instances, any("POST /highlight/api/" in line for line in highlighter)

    # Access-log lines are written just after each response: the instance's line, and the
    # highlight it asked for.
    wait_until(lambda: logged() == (True, True), f"{tagged} in the instance's and the highlighter's logs")
