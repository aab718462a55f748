"""Every app, and the composite, speak WSGI correctly on their routes (wsgiref.validate)."""

import io
from wsgiref.validate import validator

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

ROUTES = [
    ("GET", "/", None),
    ("GET", "/highlight/", None),
    ("POST", "/highlight/api/highlight", {"json": {"code": "x = 1\n", "lexer": "python"}}),
    ("POST", "/highlight/api/highlight", {"json": {"code": "x", "lexer": "no-such-lexer"}}),
    ("GET", "/diff/", None),
    ("POST", "/diff/", {"data": {"left": "a\nb\n", "right": "a\nc\n"}}),
    ("GET", "/healthz", None),
    ("GET", "/_site/site.css", None),
    ("GET", "/highlight", None),
    ("GET", "/no/such/page", None),
]


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, body", ROUTES)
def test_the_composite_passes_the_wsgi_validator(site, method, path, body):
    environ = EnvironBuilder(method=method, path=path, **(body or {})).get_environ()
    environ["wsgi.errors"] = io.StringIO()
    app_iter, status, headers = run_wsgi_app(validator(site), environ)
    b"".join(app_iter)
    app_iter.close() if hasattr(app_iter, "close") else None
    assert int(status.split()[0]) < 500


@pytest.mark.parametrize(
    "factory, path",
    [("apps.highlighter:create_app", "/"), ("apps.diffviewer:create_app", "/")],
)
def test_each_app_alone_passes_the_wsgi_validator(factory, path):
    module, name = factory.split(":")
    app = getattr(__import__(module, fromlist=[name]), name)()
    environ = EnvironBuilder(path=path).get_environ()
    app_iter, status, _ = run_wsgi_app(validator(app), environ)
    b"".join(app_iter)
    app_iter.close()
    assert status.startswith("200")


@pytest.mark.django_db
def test_the_paste_site_alone_passes_the_wsgi_validator():
    from apps.snippets.wsgi import application

    environ = EnvironBuilder(path="/").get_environ()
    app_iter, status, _ = run_wsgi_app(validator(application), environ)
    b"".join(app_iter)
    app_iter.close()
    assert status.startswith("200")
