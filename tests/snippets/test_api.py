"""The curl API: ``/api/snippets`` (create) and ``/api/snippets/<id>`` (read, delete).

Requests are built the way curl sends them: ``-F 'content=<-'`` is a multipart text field,
``-F content=@file.py`` a multipart file, ``-d`` form-encoded, ``--json`` a JSON body.
"""

import io
import json

import pytest
from django.test import override_settings

from apps.snippets.models import Snippet
from tests.snippets.conftest import path_of

pytestmark = pytest.mark.django_db


def multipart(client, headers=None, **fields):
    return client.post("/api/snippets", data=fields, content_type="multipart/form-data", headers=headers)


def test_curl_F_content_from_stdin_creates_a_snippet_and_answers_201_json(client):
    response = multipart(client, content="print('hi')\n")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "url", "raw_url", "delete_token", "lexer", "lexer_detected", "lexer_source", "expires_at",
                         "revision", "revision_url", "files"}
    assert body["url"] == f"http://localhost/s/{body['id']}"
    assert response.headers["Location"] == body["url"]
    assert client.get(path_of(body["raw_url"])).get_data(as_text=True) == "print('hi')\n"
    assert body["expires_at"] is None


def test_curl_F_content_at_file_takes_the_files_name(client):
    response = client.post("/api/snippets", data={"content": (io.BytesIO(b"x = 1\n"), "calc.py")})
    assert response.status_code == 201
    snippet = Snippet.objects.get()
    assert (snippet.filename, snippet.content, snippet.lexer) == ("calc.py", "x = 1\n", "python")


def test_a_json_body_sets_every_field(client):
    response = client.post(
        "/api/snippets",
        json={"content": "SELECT 1;", "title": "Q", "filename": "q.sql", "lexer": "sql", "expires": "1w", "burn": True},
    )
    assert response.status_code == 201
    body = response.get_json()
    snippet = Snippet.objects.get()
    assert (snippet.title, snippet.filename, snippet.lexer, snippet.burn_after_reading) == ("Q", "q.sql", "sql", True)
    assert (snippet.expires_at - snippet.created_at).days == 7
    assert body["expires_at"] == snippet.expires_at.isoformat()


def test_form_encoded_bodies_work_too(client):
    response = client.post("/api/snippets", data={"content": "a+b=c&d", "lexer": "text"})
    assert response.status_code == 201
    assert Snippet.objects.get().content == "a+b=c&d"


def test_a_plain_text_body_is_the_content(client):
    response = client.post("/api/snippets", data=b"raw body\n", content_type="text/plain")
    assert response.status_code == 201
    assert Snippet.objects.get().content == "raw body\n"


def test_accept_text_plain_answers_just_the_url_like_sprunge(client):
    response = multipart(client, content="x\n", headers={"Accept": "text/plain"})
    assert response.status_code == 201
    snippet = Snippet.objects.get()
    assert response.get_data(as_text=True) == f"http://localhost/s/{snippet.pk}\n"
    assert snippet.accepts_delete_token(response.headers["X-Delete-Token"])


def test_urls_follow_the_host_and_scheme_the_proxy_reports(client):
    response = multipart(client, content="x\n", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "site.example"})
    assert response.get_json()["url"].startswith("https://site.example/s/")


def test_get_answers_the_snippets_metadata(client, paste):
    created = paste("x = 1\n", title="T", lexer="python")
    response = client.get(f"/api/snippets/{created['id']}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "T" and body["lexer"] == "python" and body["size"] == 6
    assert body["raw_url"] == created["raw_url"] and "delete_token" not in body


def test_unknown_ids_are_404_json(client):
    response = client.get("/api/snippets/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_delete_with_the_token_removes_the_snippet(client, paste):
    created = paste()
    response = client.delete(f"/api/snippets/{created['id']}", headers={"Authorization": f"Token {created['delete_token']}"})
    assert response.status_code == 204
    assert client.get(f"/s/{created['id']}").status_code == 404


def test_delete_without_or_with_a_wrong_token_is_refused(client, paste):
    created = paste()
    missing = client.delete(f"/api/snippets/{created['id']}")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Token"
    wrong = client.delete(f"/api/snippets/{created['id']}", headers={"Authorization": "Token " + "x" * 32})
    assert wrong.status_code == 403
    assert Snippet.objects.filter(pk=created["id"]).exists()


def test_the_api_needs_no_csrf_token_and_sets_no_cookie(client):
    response = multipart(client, content="x\n")
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        ({"data": {"content": ""}}, 400, "empty"),
        ({"data": {"title": "no content"}}, 400, "empty"),
        ({"json": {"content": "a\x00b"}}, 400, "nul_byte"),
        ({"data": b'{"content": "\\ud800"}', "content_type": "application/json"}, 400, "invalid_unicode"),
        ({"data": b'{"content": "x", "title": "\\udfff"}', "content_type": "application/json"}, 400, "invalid_unicode"),
        ({"data": b'{"content": "\xff"}', "content_type": "application/json"}, 400, "invalid_utf8"),
        ({"data": b"{nope", "content_type": "application/json"}, 400, "bad_request"),
        ({"json": ["content"]}, 400, "bad_request"),
        ({"json": {"content": 5}}, 400, "bad_request"),
        ({"json": {"content": "x", "burn": "maybe"}}, 400, "bad_request"),
        ({"json": {"content": "x", "expires": "1y"}}, 400, "invalid_option"),
        ({"data": {"content": (io.BytesIO(b"\xc3\x28"), "bad.txt")}}, 400, "invalid_utf8"),
        ({"data": b"content=%C3%28", "content_type": "application/x-www-form-urlencoded"}, 400, "invalid_utf8"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_nothing_is_stored(client, request_kwargs, status, code):
    response = client.post("/api/snippets", **request_kwargs)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert not Snippet.objects.exists()


def test_invalid_utf8_in_a_multipart_text_field_is_refused_not_replaced(client):
    body = b'--B\r\nContent-Disposition: form-data; name="content"\r\n\r\nok \xff bad\r\n--B--\r\n'
    response = client.post("/api/snippets", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_utf8"


@override_settings(SNIPPET_MAX_BYTES=100)
def test_content_over_the_limit_is_413(client):
    response = client.post("/api/snippets", json={"content": "x" * 101})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_a_body_far_over_the_limit_is_413_before_it_is_read(client, settings):
    response = client.post("/api/snippets", json={"content": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_an_unknown_lexer_is_refused_saying_where_the_list_is(client, fake_highlighter):
    response = client.post("/api/snippets", json={"content": "x", "lexer": "klingon"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown_lexer" and "/api/lexers" in error["message"]


def test_lexer_names_are_stored_as_the_highlighters_alias(client, fake_highlighter):
    client.post("/api/snippets", json={"content": "x", "lexer": "PYTHON"})
    assert Snippet.objects.get().lexer == "python"


def test_other_methods_are_405_json(client):
    assert client.get("/api/snippets").status_code == 405
    assert client.post("/api/snippets/x").get_json()["error"]["code"] == "method_not_allowed"  # (PUT: an edit)


def test_a_failed_write_leaves_nothing_behind(client, monkeypatch):
    """The row is written and then the write fails: the transaction takes it back."""
    from django.db import IntegrityError

    real_save_base = Snippet.save_base

    def save_then_fail(self, *args, **kwargs):
        real_save_base(self, *args, **kwargs)
        raise IntegrityError("simulated failure after the insert")

    monkeypatch.setattr(Snippet, "save_base", save_then_fail)
    assert client.post("/api/snippets", json={"content": "x"}).status_code == 500
    monkeypatch.undo()
    assert not Snippet.objects.exists()


def test_json_content_type_with_charset_is_json(client):
    response = client.post(
        "/api/snippets", data=json.dumps({"content": "ü"}).encode(), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 201
    assert Snippet.objects.get().content == "ü"


def test_json_nested_too_deeply_is_a_400_not_a_crash(client):
    response = client.post("/api/snippets", data=b"[" * 100_000 + b"]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_request", "message": "The body is not valid JSON: it is nested too deeply."
    }


def test_an_unexpected_failure_in_the_api_is_a_logged_json_500(client, monkeypatch, caplog):
    """Whatever breaks under /api/ — a bug included — the client gets JSON, and the log the traceback."""
    from apps.snippets import creation

    def broken(*args, **kwargs):
        raise RuntimeError("bug in create_snippet")

    monkeypatch.setattr(creation, "create_snippet", broken)
    response = client.post("/api/snippets", json={"content": "x\n"})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "Traceback" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert logged and "bug in create_snippet" in str(logged[0].exc_info[1])


def test_an_unknown_path_under_the_api_is_a_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_pages_keep_html_error_pages(client, monkeypatch):
    from apps.snippets import views

    monkeypatch.setattr(views, "snippet_form", lambda *a, **k: 1 / 0)
    response = client.get("/")
    assert response.status_code == 500
    assert response.content_type.startswith("text/html")


@pytest.mark.parametrize(
    "body",
    [
        b"content=caf%C3%A9%20%F0%9F%90%8D&title=%C3%BC",  # percent-encoded UTF-8
        "content=café 🐍&title=ü".encode(),  # raw UTF-8 bytes, as some clients send
    ],
)
def test_utf8_in_a_urlencoded_body_is_kept(client, body):
    response = client.post("/api/snippets", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201, response.get_data(as_text=True)
    snippet = Snippet.objects.get()
    assert (snippet.content, snippet.title) == ("café 🐍", "ü")


@pytest.mark.parametrize(
    "disposition",
    [b'filename="h\xc3\xa9llo.py"', b"filename*=UTF-8''h%C3%A9llo.py"],  # raw UTF-8, and RFC 2231
)
def test_an_upload_name_in_utf8_names_the_snippet(client, disposition):
    body = (b'--B\r\nContent-Disposition: form-data; name="content"; ' + disposition + b"\r\n"
            b"Content-Type: text/plain\r\n\r\nx = 1\r\n--B--\r\n")
    response = client.post("/api/snippets", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert Snippet.objects.get().filename == "héllo.py"
