"""ETags from the request and the Pygments version, 304s, and the result cache (LRU, Redis)."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from apps.environment import ConfigError
from apps.highlighter import core, pools, results
from tests.payloads import SLOW_SCALA_FIELDS
from tests.waiting import process_gone, wait_until

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"code": "def f():\n    return 1\n", "lexer": "python", "options": {"linenos": "table"}}


def test_the_etag_is_derived_from_the_request_and_the_pygments_version(api):
    response = api.post("/api/highlight", json=FIELDS)
    assert response.headers["ETag"] == f'"hl-{core.cache_key(FIELDS)[:40]}"'
    same_meaning = api.post("/api/highlight", json={**FIELDS, "lexer": "py", "style": "default", "format": "html"})
    assert same_meaning.headers["ETag"] == response.headers["ETag"]
    other = api.post("/api/highlight", json={**FIELDS, "style": "monokai"})
    assert other.headers["ETag"] != response.headers["ETag"]
    assert response.headers["X-Highlighter-Version"] == f"{core.PYGMENTS_VERSION}+{core.OUTPUT_VERSION}"


def test_if_none_match_gives_304_for_post_too(api):
    etag = api.post("/api/highlight", json=FIELDS).headers["ETag"]
    response = api.post("/api/highlight", json=FIELDS, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == etag
    assert api.post("/api/highlight", json=FIELDS, headers={"If-None-Match": '"other"'}).status_code == 200
    as_form = api.post("/api/highlight", data={"code": FIELDS["code"], "lexer": "python", "options.linenos": "table"},
                       headers={"If-None-Match": f'"x", W/{etag}'})
    assert as_form.status_code == 304


def test_a_repeated_request_is_answered_from_the_cache(app_with, counted):
    api = app_with()
    first = api.post("/api/highlight", json=FIELDS)
    again = api.post("/api/highlight", data={"code": FIELDS["code"], "lexer": "Python", "options": '{"linenos": "table"}'})
    assert again.data == first.data
    assert len(counted) == 1


def test_the_legacy_api_shares_the_cache(app_with, counted):
    api = app_with()
    api.post("/api/highlight", json={"code": "x = 1", "lexer": "python"})
    assert api.post("/", data={"lang": "python", "code": "x = 1"}).status_code == 200
    assert len(counted) == 1


def test_failures_are_never_cached(app_with, counted):
    api = app_with()
    for _ in range(2):
        assert api.post("/api/highlight", json={"code": "x", "lexer": "nope"}).status_code == 400
    cache = api.client.application.extensions["highlighter.results"]
    assert cache.entries == {} and counted == []


def test_the_memory_cache_is_bounded_in_bytes():
    cache = results.Memory(max_bytes=800)
    for n in range(20):
        cache.put(str(n), b"x" * 90)
    assert cache.size <= 800 and cache.get("0") is None and cache.get("19") == b"x" * 90
    cache.put("huge", b"x" * 101)  # over an eighth of the budget: not kept
    assert cache.get("huge") is None


def test_no_cache_at_all_when_its_size_is_zero(app_with, counted):
    api = app_with(HIGHLIGHT_CACHE_BYTES=0)
    for _ in range(2):
        assert api.post("/api/highlight", json=FIELDS).status_code == 200
    assert len(counted) == 2


@pytest.fixture
def redis_url():
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {url} ({error})")
    return url


def test_with_redis_url_results_are_shared_between_apps(app_with, counted, redis_url):
    prefix = f"test-highlighter-{uuid.uuid4().hex}:"
    client = redis.Redis.from_url(redis_url)
    try:
        one = app_with(REDIS_URL=redis_url, HIGHLIGHT_CACHE_PREFIX=prefix, HIGHLIGHT_CACHE_TTL=60)
        two = app_with(REDIS_URL=redis_url, HIGHLIGHT_CACHE_PREFIX=prefix, HIGHLIGHT_CACHE_TTL=60)
        first = one.post("/api/highlight", json=FIELDS)
        keys = client.keys(prefix + "*")
        assert keys == [(prefix + core.cache_key(FIELDS)).encode()]
        assert 0 < client.ttl(keys[0]) <= 60
        assert client.get(keys[0]) == first.data
        assert two.post("/api/highlight", json=FIELDS).data == first.data  # another "worker"
        assert len(counted) == 1
        assert two.post("/api/highlight", json={"code": "x", "lexer": "nope"}).status_code == 400
        assert len(client.keys(prefix + "*")) == 1
    finally:
        for key in client.keys(prefix + "*"):
            client.delete(key)


def test_redis_down_only_costs_the_cache(app_with, counted, caplog):
    from tests.servers import free_port

    api = app_with(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    for _ in range(2):
        assert api.post("/api/highlight", json=FIELDS).status_code == 200
    assert "Redis cache unavailable" in caplog.text
    assert len(counted) == 1  # the per-process level still answered the second


def test_a_malformed_redis_url_fails_at_start_up():
    from apps.highlighter import create_app

    with pytest.raises(ConfigError, match="REDIS_URL"):
        create_app({"REDIS_URL": "nonsense://"})


def test_apps_with_the_same_settings_share_one_pool_which_ends_at_exit(app_with):
    one, two = app_with(HIGHLIGHT_WORKERS=1, HIGHLIGHT_TIMEOUT=3.0), app_with(HIGHLIGHT_WORKERS=1, HIGHLIGHT_TIMEOUT=3.0)
    assert one.post("/api/highlight", json={"code": "a", "lexer": "c"}).status_code == 200
    assert two.post("/api/highlight", json={"code": "b", "lexer": "c"}).status_code == 200
    pool = pools.shared_pool(1, 3.0)
    assert len(pool.worker_pids()) == 1
    pools.close_all()
    assert pool.worker_pids() == []
    assert one.post("/api/highlight", json={"code": "c", "lexer": "c"}).status_code == 200  # a new pool


def test_pool_children_end_when_the_server_process_exits(tmp_path):
    script = (
        "from apps.highlighter import create_app, pools\n"
        "app = create_app({'HIGHLIGHT_WORKERS': 1})\n"
        "assert app.test_client().post('/api/highlight', json={'code': 'x'}).status_code == 200\n"
        "print(*pools.shared_pool(1, app.config['HIGHLIGHT_TIMEOUT']).worker_pids())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (pid,) = map(int, done.stdout.split())
    wait_until(lambda: process_gone(pid), "the pool's child ended with its server process")


def test_a_repeat_is_answered_by_the_fast_path_exactly_as_flask_answers(app_with, monkeypatch):
    api = app_with(HIGHLIGHT_CACHE_STATUS_HEADER=True)
    first = api.post("/api/highlight", json=FIELDS)  # through Flask, now cached and remembered
    fast = api.client.application.extensions["highlighter.fastpath"]
    assert len(fast.keys) == 1

    def no_flask(environ, start_response):
        raise AssertionError("the repeat reached Flask")

    monkeypatch.setattr(fast, "wsgi_app", no_flask)
    again = api.post("/api/highlight", json=FIELDS)
    assert again.data == first.data
    assert first.headers["X-Cache"] == "miss"
    assert sorted(again.headers.items()) == sorted({**dict(first.headers), "X-Cache": "hit"}.items())


def test_the_fast_path_leaves_what_it_cannot_answer_to_flask(app_with):
    api = app_with(HIGHLIGHT_CORS_ORIGINS="https://a.example", HIGHLIGHT_CACHE_STATUS_HEADER=True)
    first = api.post("/api/highlight", json=FIELDS)
    repeat = api.post("/api/highlight", json=FIELDS)
    assert dict(repeat.headers) == {**dict(first.headers), "X-Cache": "hit"}  # Vary: Origin alike
    from_origin = api.post("/api/highlight", json=FIELDS, headers={"Origin": "https://a.example"})
    assert from_origin.headers["Access-Control-Allow-Origin"] == "https://a.example"
    revalidated = api.post("/api/highlight", json=FIELDS, headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304
    as_form = api.post("/api/highlight", data={"code": FIELDS["code"], "lexer": "python", "options": '{"linenos": "table"}'})
    assert as_form.data == first.data  # another body: Flask, then the result cache


def test_failures_are_not_remembered_by_the_fast_path(app_with):
    api = app_with(HIGHLIGHT_TIMEOUT=0.5)
    for _ in range(2):
        assert api.post("/api/highlight", json={"code": "x", "lexer": "nope"}).status_code == 400
    assert api.post("/api/highlight", json=SLOW_SCALA_FIELDS).status_code == 422
    assert api.client.application.extensions["highlighter.fastpath"].keys == {}
