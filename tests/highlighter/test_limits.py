"""Size and time: too_large before the body is read, timeout at the budget, never cached."""

import io

from werkzeug.test import EnvironBuilder, run_wsgi_app

from apps.highlighter import bodies, pools
from tests.payloads import SLOW_SCALA, SLOW_SCALA_FIELDS
from tests.waiting import PATIENCE, Running, cpu_seconds, cpu_until_gone, set_to_work

SLACK = 0.5  # of a budget: CPU time a child may use past it while it is being killed


class CountingStream(io.RawIOBase):
    """An endless request body that counts what the app read of it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = min(len(buffer), 65536)
        buffer[:size] = b"x" * size
        self.read_bytes += size
        return size


def post_stream(wsgi_app, path, headers, chunked):
    stream = CountingStream()
    environ = EnvironBuilder(path=path, method="POST", headers=headers).get_environ()
    environ["wsgi.input"] = stream
    environ.pop("CONTENT_LENGTH", None)
    if chunked:  # what gunicorn and Werkzeug's server give for Transfer-Encoding: chunked
        environ["wsgi.input_terminated"] = True
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        environ["CONTENT_LENGTH"] = str(10**9)
    iterable, status, response_headers = run_wsgi_app(wsgi_app, environ, buffered=True)
    return status, b"".join(iterable), stream.read_bytes


def test_a_declared_length_over_the_limit_is_413_without_reading_the_body(api):
    for content_type in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b"):
        status, body, read = post_stream(api.client.application, api.prefix + "/api/highlight", {"Content-Type": content_type}, chunked=False)
        assert status.startswith("413") and b'"too_large"' in body
        assert read == 0


def test_a_chunked_body_is_cut_off_at_the_limit(api):
    limit = bodies.body_limit(1024 * 1024)
    for content_type in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b"):
        status, body, read = post_stream(api.client.application, api.prefix + "/api/highlight", {"Content-Type": content_type}, chunked=True)
        assert status.startswith("413"), (content_type, status, body)
        assert b'"too_large"' in body
        assert read <= limit + 65536


def test_code_over_the_limit_is_too_large_even_in_a_body_under_it(app_with):
    api = app_with(HIGHLIGHT_MAX_BYTES=1000)
    response = api.post("/api/highlight", json={"code": "é" * 501})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    assert "1002 bytes" in response.json["error"]["message"] and "1000" in response.json["error"]["message"]
    assert api.post("/api/highlight", json={"code": "é" * 500}).status_code == 200
    upload = api.post("/api/highlight", data={"code": (io.BytesIO(b"x" * 1001), "a.txt")})
    assert upload.status_code == 413 and upload.json["error"]["code"] == "too_large"


def test_a_form_field_may_be_as_large_as_the_code_limit():
    """Flask's own form-memory default (500 kB) is raised to the body limit."""
    from apps.highlighter import create_app

    app = create_app({"HIGHLIGHT_TIMEOUT": 60})  # about size, not time: a loaded machine may take seconds
    code = "x = 1\n" * 150_000  # 900 kB
    response = app.test_client().post("/api/highlight", data={"code": code, "format": "tokens"})
    assert response.status_code == 200, response.json


def test_a_slow_input_times_out_at_the_budget_and_is_not_cached(app_with):
    """The highlighting process is killed at the budget: it has used no more than the budget
    of CPU time (and SLACK), and the answer never comes before the budget (tests/waiting.py)."""
    api = app_with(HIGHLIGHT_TIMEOUT=1.0)
    config = api.client.application.config
    pool = pools.shared_pool(config["HIGHLIGHT_WORKERS"], config["HIGHLIGHT_TIMEOUT"])
    for _ in range(2):  # the second try is as slow: the failure was not cached
        pool.start()  # every process started and idle (one was replaced after the first try)
        idle_cpu = {pid: cpu_seconds(pid) for pid in pool.worker_pids()}
        slow = Running(lambda: api.post("/api/highlight", json=SLOW_SCALA_FIELDS))
        busy = set_to_work(idle_cpu, "a process at work on it")
        cpu_until_gone(busy, idle_cpu[busy] + (1 + SLACK) * pool.timeout, "the process on the slow highlight")
        response = slow.join(timeout=PATIENCE)
        assert response.status_code == 422
        assert response.json["error"]["code"] == "timeout"
        assert "1 s" in response.json["error"]["message"]
        assert slow.seconds >= 1.0  # the whole budget, every time
        assert "ETag" not in response.headers
    pool.start()  # the process replaced after the second try is ready: the budget is the job's, not its start-up
    quick = api.post("/api/highlight", json={"code": "val x = 1", "lexer": "scala"})
    assert quick.status_code == 200


def test_a_slow_guess_times_out_too(app_with):
    api = app_with(HIGHLIGHT_TIMEOUT=1.0)
    response = api.post("/api/guess", json={"filename": "a.scala", "code": SLOW_SCALA})
    assert response.status_code in (200, 422)  # guessing may or may not run the slow rule
    if response.status_code == 422:
        assert response.json["error"]["code"] == "timeout"
