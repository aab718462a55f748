"""The access log's lines are gunicorn's, field for field, whatever the format names."""

import ast
import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from composite import accesslog

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def setting(name, path=GUNICORN_CONF):
    """A literal setting of the Procfile's gunicorn configuration, read without running it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise LookupError(name)


FORMATS = [
    setting("access_log_format"),  # the site's own (config/gunicorn.conf.py)
    Config().access_log_format,  # gunicorn's default
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',
    "%(m)s %(U)s ?%(q)s %(H)s %(B)s %(T)s %(D)s %(M)s %(L)s %(p)s",
    "%({X-Request-Id}o)s %({x-request-id}O)s %({USER-AGENT}i)s %({wsgi.url_scheme}e)s %({missing}i)s %({nothing}o)s",
    "%(nosuchfield)s %(x)s %({}i)s %(a)s %(a)s",
]


def request(**headers):
    environ = {
        "REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "RAW_URI": '/s/abc?x="1"', "PATH_INFO": "/s/abc",
        "QUERY_STRING": 'x="1"', "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": 'curl/8 "quoted"',
        "wsgi.url_scheme": "http", "HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz",
    }
    req = SimpleNamespace(headers=[("USER-AGENT", 'curl/8 "quoted"'), ("HOST", "localhost"), *headers.items()])
    resp = SimpleNamespace(status="200 OK", sent=1234,
                           headers=[("Content-Type", "text/html"), ("X-Request-Id", "rid-1"), ("X-Request-Id", "rid-2")])
    return resp, req, environ, datetime.timedelta(seconds=1, microseconds=234567)


def line(logger_class, log_format, answer):
    cfg = Config()
    cfg.set("access_log_format", log_format)
    logger = logger_class(cfg)
    logger.now = lambda: "[07/Dec/2026:06:55:00 +0000]"  # the same instant for both
    return log_format % logger.atoms_wrapper_class(logger.atoms(*answer))


@pytest.mark.parametrize("log_format", FORMATS)
def test_each_format_gives_gunicorns_line(log_format):
    answer = request()
    assert line(accesslog.Logger, log_format, answer) == line(glogging.Logger, log_format, answer)


def test_a_request_with_no_user_agent_shows_a_dash():
    resp, req, environ, took = request()
    del environ["HTTP_USER_AGENT"]
    answer = (resp, SimpleNamespace(headers=[]), environ, took)
    for log_format in FORMATS:
        assert line(accesslog.Logger, log_format, answer) == line(glogging.Logger, log_format, answer)


def test_only_the_named_fields_are_worked_out():
    cfg = Config()
    cfg.set("access_log_format", "%(s)s %({x-request-id}o)s")
    atoms = accesslog.Logger(cfg).atoms(*request())
    assert atoms == {"s": "200", "{x-request-id}o": "rid-2"}


def test_the_site_logs_with_this_logger():
    assert setting("logger_class") == "composite.accesslog.Logger"
