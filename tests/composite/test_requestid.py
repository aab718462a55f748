"""Every request has an id (composite.requestid): the router's when usable, else a new one."""

import pytest
from werkzeug.test import Client

from composite.requestid import RequestId


def echo_id(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Request-ID", "the app's own guess")])
    return [environ["HTTP_X_REQUEST_ID"].encode()]


client = Client(RequestId(echo_id))


def test_a_request_without_an_id_gets_a_new_one_the_app_and_the_response_agree_on():
    answer = client.get("/")
    assert len(answer.headers["X-Request-ID"]) == 32
    assert answer.get_data(as_text=True) == answer.headers["X-Request-ID"]
    assert answer.headers.getlist("X-Request-ID") == [answer.headers["X-Request-ID"]]


def test_two_requests_get_different_ids():
    assert client.get("/").headers["X-Request-ID"] != client.get("/").headers["X-Request-ID"]


def test_the_routers_id_is_kept():
    answer = client.get("/", headers={"X-Request-ID": "5e3b1c2a-4d6f-4a8b-9c0d-1e2f3a4b5c6d"})
    assert answer.headers["X-Request-ID"] == "5e3b1c2a-4d6f-4a8b-9c0d-1e2f3a4b5c6d"
    assert answer.get_data(as_text=True) == "5e3b1c2a-4d6f-4a8b-9c0d-1e2f3a4b5c6d"


@pytest.mark.parametrize(
    "offered",
    ["", "a" * 129, "two words", "line\r\nbreak", "<script>", "ünïcode", "id\x1b[31m"],
    ids=["empty", "too-long", "space", "crlf", "markup", "unicode", "escape"],
)
def test_an_unusable_id_is_replaced(offered):
    answer = client.get("/", environ_base={"HTTP_X_REQUEST_ID": offered})
    assert answer.headers["X-Request-ID"] != offered
    assert len(answer.headers["X-Request-ID"]) == 32
