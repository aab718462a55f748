"""What the result cache keeps and tells: bounded per item, nothing for ``no-store``
requests, no ``X-Cache`` for the public, and fast-path keys over the whole request
(issue 9, items 7 and 10)."""

import uuid

import pytest
import redis

from apps.environment import ConfigError

FIELDS = {"code": "secret = 'burn after reading'\n", "lexer": "python"}
NO_STORE = {"Cache-Control": "no-store"}


def cache_of(api):
    return api.client.application.extensions["highlighter.results"]


def fast_path_of(api):
    return api.client.application.extensions["highlighter.fastpath"]


# Cache-Control: no-store


def test_a_no_store_request_is_not_cached_anywhere(app_with, counted):
    api = app_with()
    for _ in range(2):
        response = api.post("/api/highlight", json=FIELDS, headers=NO_STORE)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert len(counted) == 2
    assert cache_of(api).entries == {} and fast_path_of(api).keys == {}


def test_a_no_store_request_does_not_read_the_cache_either(app_with, counted):
    """Not even the fast path answers it: a hit would tell that the text was seen before."""
    api = app_with()
    api.post("/api/highlight", json=FIELDS)
    assert len(fast_path_of(api).keys) == 1
    api.post("/api/highlight", json=FIELDS, headers={"Cache-Control": "max-age=0, no-store"})
    assert len(counted) == 2


def test_the_legacy_fragment_honours_no_store(app_with, counted):
    api = app_with()
    for _ in range(2):
        response = api.post("/", data={"lang": "python", "code": "x = 1"}, headers=NO_STORE)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert len(counted) == 2 and cache_of(api).entries == {}


# X-Cache


def test_x_cache_is_not_sent_to_the_public(api):
    """It would confirm to anyone that someone highlighted a given text."""
    body = {"code": f"# {uuid.uuid4()}\n", "lexer": "python"}
    for _ in range(3):  # a miss, a hit through Flask or the fast path
        assert "X-Cache" not in api.post("/api/highlight", json=body).headers


def test_operators_can_turn_x_cache_on(app_with):
    api = app_with(HIGHLIGHT_CACHE_STATUS_HEADER=True)
    assert api.post("/api/highlight", json=FIELDS).headers["X-Cache"] == "miss"
    assert api.post("/api/highlight", json=FIELDS).headers["X-Cache"] == "hit"


def test_the_x_cache_setting_reads_words_from_the_environment():
    from apps.highlighter import settings_from_env

    assert settings_from_env({"HIGHLIGHT_CACHE_STATUS_HEADER": "false"}) == {"HIGHLIGHT_CACHE_STATUS_HEADER": False}
    assert settings_from_env({"HIGHLIGHT_CACHE_STATUS_HEADER": "on"}) == {"HIGHLIGHT_CACHE_STATUS_HEADER": True}
    with pytest.raises(ConfigError, match="HIGHLIGHT_CACHE_STATUS_HEADER"):
        settings_from_env({"HIGHLIGHT_CACHE_STATUS_HEADER": "perhaps"})


# Bounded in bytes


def test_a_result_over_the_item_limit_is_not_cached(app_with, counted):
    api = app_with(HIGHLIGHT_CACHE_MAX_ITEM_BYTES=10_000)
    small, large = {"code": "x = 1\n", "lexer": "python"}, {"code": "x = 1\n" * 500, "lexer": "python"}
    for _ in range(2):
        api.post("/api/highlight", json=small)
        api.post("/api/highlight", json=large)
    assert len(counted) == 3  # the small one once, the large one each time
    assert len(cache_of(api).entries) == 1 and len(fast_path_of(api).keys) == 1


def test_the_item_limit_holds_for_redis_too(app_with, counted):
    url = "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {url} ({error})")
    prefix = f"test-highlighter-{uuid.uuid4().hex}:"
    try:
        api = app_with(REDIS_URL=url, HIGHLIGHT_CACHE_PREFIX=prefix, HIGHLIGHT_CACHE_MAX_ITEM_BYTES=10_000)
        api.post("/api/highlight", json={"code": "x = 1\n" * 500, "lexer": "python"})
        api.post("/api/highlight", json=FIELDS, headers=NO_STORE)
        assert client.keys(prefix + "*") == []
    finally:
        for key in client.keys(prefix + "*"):
            client.delete(key)


# The fast path's key


def multipart(boundary, code):
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n{code}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"lexer\"\r\n\r\npython\r\n--{boundary}--\r\n")
    return body.encode(), f"multipart/form-data; boundary={boundary}"


def test_requests_whose_content_types_differ_after_64_characters_get_their_own_answers(app_with):
    """The attack of issue 9, item 10: one body holding two multipart messages, each read
    with its own boundary (the other one is preamble or epilogue), the two boundaries alike
    for their first 70 characters. Same bytes, different code: different answers."""
    api = app_with()
    first_boundary, second_boundary = "b" * 70 + "1", "b" * 70 + "2"
    first, first_type = multipart(first_boundary, "first = 1")
    second, second_type = multipart(second_boundary, "second = 2")
    body = first + second
    as_first = api.post("/api/highlight", data=body, content_type=first_type)
    as_second = api.post("/api/highlight", data=body, content_type=second_type)
    assert "first" in as_first.json["output"] and "second" not in as_first.json["output"]
    assert "second" in as_second.json["output"] and "first" not in as_second.json["output"]
    assert api.post("/api/highlight", data=body, content_type=first_type).data == as_first.data  # the fast path
    assert api.post("/api/highlight", data=body, content_type=second_type).data == as_second.data
    assert len(fast_path_of(api).keys) == 2
