"""Creating a snippet with the form at ``/`` (and forking one at ``/s/<id>/fork``)."""

import io
import re
from urllib.parse import quote_from_bytes

import pytest
from django.test import override_settings

from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db


def test_the_form_offers_content_upload_title_file_name_language_expiry_and_burn(client):
    page = client.get("/").get_data(as_text=True)
    for name in ("content", "upload", "title", "filename", "lexer", "expires", "burn", "website"):
        assert f'name="{name}"' in page
    assert '<option value="auto" selected>Auto-detect</option>' in page
    for label in ("1 hour", "1 day", "1 week", "1 month", "Never"):
        assert f">{label}</option>" in page
    assert 'enctype="multipart/form-data"' in page


def test_the_language_menu_lists_the_highlighters_lexers(client, fake_highlighter):
    page = client.get("/").get_data(as_text=True)
    assert '<option value="python">Python</option>' in page


def test_a_snippet_expires_when_asked(post_form):
    post_form(content="x\n", expires="1h")
    snippet = Snippet.objects.get()
    lifetime = snippet.expires_at - snippet.created_at
    assert lifetime.total_seconds() == 3600


def test_never_is_the_default_expiry(post_form):
    post_form(content="x\n")
    assert Snippet.objects.get().expires_at is None


def test_auto_language_is_decided_by_the_highlighter_from_the_file_name(post_form):
    post_form(content="x = 1\n", filename="thing.py", lexer="auto")
    assert Snippet.objects.get().lexer == "python"


def test_an_uploaded_file_becomes_the_content_and_names_the_snippet(client):
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    response = client.post(
        "/", data={"csrfmiddlewaretoken": token, "upload": (io.BytesIO("print('é')\n".encode()), "hello.py")}
    )
    assert response.status_code == 302
    snippet = Snippet.objects.get()
    assert (snippet.content, snippet.filename) == ("print('é')\n", "hello.py")


def test_an_upload_that_is_not_utf8_is_refused_with_a_form_error(client):
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    response = client.post("/", data={"csrfmiddlewaretoken": token, "upload": (io.BytesIO(b"\xff\xfe\x00a"), "x.bin")})
    assert response.status_code == 400
    assert "The upload is not valid UTF-8 text" in response.get_data(as_text=True)
    assert not Snippet.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The snippet is empty."),
        (" \n\t", "The snippet is empty."),
        ("a\x00b", "The snippet contains a NUL byte (at character 1); only text is accepted."),
    ],
)
def test_bad_content_is_a_form_error_and_nothing_is_stored(post_form, content, message):
    response = post_form(content=content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "Please correct the errors below." in page
    assert not Snippet.objects.exists()


@override_settings(SNIPPET_MAX_BYTES=1000)
def test_content_over_the_limit_is_a_form_error(post_form):
    response = post_form(content="é" * 501)  # 1002 bytes in UTF-8
    assert response.status_code == 400
    assert "The snippet is 1,002 bytes; the limit is 1,000 bytes." in response.get_data(as_text=True)


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(post_form, settings):
    response = post_form(content="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_a_filled_honeypot_is_refused(post_form):
    response = post_form(content="buy now\n", website="http://spam.example")
    assert response.status_code == 400
    assert not Snippet.objects.exists()


def test_an_unknown_language_is_refused_with_where_to_find_valid_ones(post_form, fake_highlighter):
    response = post_form(content="x\n", lexer="klingon")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Unknown language &#x27;klingon&#x27;" in page
    assert "/api/lexers" in page


def test_any_language_name_is_accepted_when_the_highlighter_cannot_be_asked(post_form, monkeypatch):
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")
    assert post_form(content="x\n", lexer="klingon").status_code == 302
    assert Snippet.objects.get().lexer == "klingon"


def test_the_form_needs_its_csrf_token(client):
    response = client.post("/", data={"content": "x\n"})
    assert response.status_code == 403
    assert not Snippet.objects.exists()


def test_fork_prefills_the_form_and_stores_a_child(client, post_form, paste):
    parent = paste("first version\n", title="v1", filename="a.py")
    form = client.get(f"/s/{parent['id']}/fork").get_data(as_text=True)
    assert "first version" in form and 'value="v1"' in form and 'value="a.py"' in form
    response = post_form(f"/s/{parent['id']}/fork", content="second version\n", title="v2")
    assert response.status_code == 302
    child = Snippet.objects.get(title="v2")
    assert child.parent_id == parent["id"]


def test_a_burn_after_reading_snippet_cannot_be_forked(client, paste):
    secret = paste("secret\n", burn="true")
    assert client.get(f"/s/{secret['id']}/fork").status_code == 404
    assert Snippet.objects.filter(pk=secret["id"]).exists()


def test_ids_are_random_url_safe_and_at_least_60_bits(paste):
    ids = {paste()["id"] for _ in range(5)}
    assert len(ids) == 5
    for snippet_id in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{12}", snippet_id)  # 12 base64 characters = 72 bits


def test_an_id_collision_retries_with_a_fresh_id(paste, monkeypatch):
    taken = paste()["id"]
    fresh = iter([taken, "fresh-id-123"])
    monkeypatch.setattr("apps.snippets.creation.new_id", lambda: next(fresh))
    assert paste()["id"] == "fresh-id-123"
    assert Snippet.objects.count() == 2


def token_of(client):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def multipart_body(fields, boundary=b"B"):
    """A multipart body whose text fields are sent exactly as the given bytes."""
    parts = [b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n' + value
             + b"\r\n" for name, value in fields.items()]
    return b"".join(parts) + b"--" + boundary + b"--\r\n", "multipart/form-data; boundary=" + boundary.decode()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize(("field", "label"), [("content", "snippet"), ("title", "title")])
def test_text_that_is_not_utf8_is_refused_by_the_form_as_by_the_api(client, encoding, field, label):
    """Django would decode %FF%FE to U+FFFD and store it; the form refuses it, like the API."""
    fields = {"csrfmiddlewaretoken": token_of(client).encode(), "content": b"x = 1\n", field: b"ok \xff\xfe"}
    if encoding == "urlencoded":
        body = "&".join(f"{name}={quote_from_bytes(value)}" for name, value in fields.items()).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body, content_type = multipart_body(fields)
    response = client.post("/", data=body, content_type=content_type)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"The {label} is not valid UTF-8 text (byte 0xff at offset 3)" in page
    assert not Snippet.objects.exists()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_utf8_text_from_the_form_is_stored_exactly(client, encoding):
    text = "naïve café 🐍\n"
    fields = {"csrfmiddlewaretoken": token_of(client).encode(), "content": text.encode(), "title": "ü".encode()}
    if encoding == "urlencoded":
        body = "&".join(f"{name}={quote_from_bytes(value)}" for name, value in fields.items()).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body, content_type = multipart_body(fields)
    response = client.post("/", data=body, content_type=content_type)
    assert response.status_code == 302, response.get_data(as_text=True)
    snippet = Snippet.objects.get()
    assert (snippet.content, snippet.title) == (text, "ü")


def test_an_upload_name_in_utf8_names_the_snippet_from_the_form(client):
    body, content_type = multipart_body({"csrfmiddlewaretoken": token_of(client).encode()})
    body = body.replace(b"--B--", b'--B\r\nContent-Disposition: form-data; name="upload"; filename="h\xc3\xa9.py"\r\n'
                        b"Content-Type: text/x-python\r\n\r\nx = 1\n\r\n--B--")
    response = client.post("/", data=body, content_type=content_type)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert Snippet.objects.get().filename == "hé.py"


def test_the_form_still_needs_its_csrf_token(client):
    """The form's CSRF check runs in the view (after the body is read byte-exact), not skipped."""
    for body, content_type in [(b"content=x", "application/x-www-form-urlencoded"), multipart_body({"content": b"x"})]:
        response = client.post("/", data=body, content_type=content_type)
        assert response.status_code == 403
    assert not Snippet.objects.exists()


def test_the_language_menu_keeps_the_chosen_language_when_the_form_is_shown_again(post_form):
    page = post_form(content="", lexer="python").get_data(as_text=True)  # refused: empty
    assert '<option value="python" selected>Python</option>' in page
    assert '<option value="auto">Auto-detect</option>' in page


def test_a_fork_form_has_the_parents_language_selected(client, paste):
    parent = paste("x = 1\n", lexer="python")
    page = client.get(f"/s/{parent['id']}/fork").get_data(as_text=True)
    assert '<option value="python" selected>Python</option>' in page
    assert '<option value="auto">Auto-detect</option>' in page


def test_lexer_names_from_the_highlighter_are_escaped_in_the_menu(client, fake_highlighter, monkeypatch):
    hostile = {"name": '<script>x("1")</script>', "aliases": ['"><b>'], "filenames": [], "mimetypes": []}
    monkeypatch.setattr(type(fake_highlighter), "LEXERS", [*fake_highlighter.LEXERS, hostile])
    page = client.get("/").get_data(as_text=True)
    assert '<option value="&quot;&gt;&lt;b&gt;">&lt;script&gt;x(&quot;1&quot;)&lt;/script&gt;</option>' in page
    assert "<script>x(" not in page
