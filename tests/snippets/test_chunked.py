"""A request body sent in chunks without a Content-Length is refused with 411 Length
Required, never read as an empty body (Django reads Content-Length bytes)."""

import io
import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db


def chunked(site, path, body, content_type):
    """(status, body) for a chunked POST, as gunicorn presents one (no CONTENT_LENGTH)."""
    environ = EnvironBuilder(
        path=path, method="POST", input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": content_type},
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True
    answer, status, _ = run_wsgi_app(site, environ, buffered=True)  # a test client would add a length
    return int(status.split()[0]), b"".join(answer)


def test_the_api_answers_411_in_json_not_400_empty(site):
    status, body = chunked(site, "/api/snippets", b'{"content": "x = 1\\n"}', "application/json")
    assert status == 411
    error = json.loads(body)["error"]
    assert error["code"] == "length_required" and "Content-Length" in error["message"]
    assert not Snippet.objects.exists()


def test_the_form_answers_411_with_a_page(site):
    status, body = chunked(site, "/", b"content=x", "application/x-www-form-urlencoded")
    assert status == 411
    assert b"<title>Length required" in body and b"Content-Length" in body
