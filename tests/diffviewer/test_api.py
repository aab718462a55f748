"""The HTTP API: POST /api/diff (JSON) and /api/diff.patch (text/x-diff), JSON or form bodies."""

import json

import pytest
from werkzeug.test import Client

from apps.diffviewer.core import DiffOptions, diff_texts, unified_diff


def test_a_json_body_gives_the_plain_data_diff(client):
    response = client.post("/diff/api/diff", json={"left": "a\nb\n", "right": "a\nc\n"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == diff_texts("a\nb\n", "a\nc\n").to_dict()
    assert response.json["stats"] == {"added": 1, "deleted": 1, "hunks": 1, "identical": False}


def test_every_option_is_passed_to_the_core(client):
    fields = {"left": "x\n a\n\n", "right": "x\na\n", "context": None, "whitespace": "all",
              "ignore_blank_lines": True, "word_diff": False}
    response = client.post("/diff/api/diff", json=fields)
    expected = diff_texts("x\n a\n\n", "x\na\n", DiffOptions(None, "all", True, False))
    assert response.json == expected.to_dict()


def test_context_all_means_the_whole_file(client):
    left = "".join(f"{i}\n" for i in range(20))
    right = left.replace("10\n", "ten\n")
    hunks = client.post("/diff/api/diff", json={"left": left, "right": right, "context": "all"}).json["hunks"]
    assert len(hunks) == 1 and len(hunks[0]["lines"]) == 21


def test_moved_lines_say_where_their_other_side_is(client):
    """A function moved down the file: each moved line names its block, the file (0 for two
    texts) and its counterpart's line number (new for a removed line, old for an added one)."""
    helper = "def helper(alpha, beta):\n    return alpha * beta + 12345\n"
    fields = {"left": helper + "x = 1\ny = 2\nz = 3\n", "right": "x = 1\ny = 2\nz = 3\n" + helper}
    lines = [line for hunk in client.post("/diff/api/diff", json=fields).json["hunks"] for line in hunk["lines"]]
    assert [(line["kind"], line["moved"]) for line in lines] == [
        ("delete", {"block": 1, "file": 0, "line": 4}),
        ("delete", {"block": 1, "file": 0, "line": 5}),
        ("context", None), ("context", None), ("context", None),
        ("add", {"block": 2, "file": 0, "line": 1}),
        ("add", {"block": 2, "file": 0, "line": 2}),
    ]
    # Fields were added, none changed: every line has what it had, and "moved".
    assert {key for line in lines for key in line} == {
        "kind", "old_no", "new_no", "text", "segments", "no_newline_at_end", "cr", "moved"}
    off = client.post("/diff/api/diff", json={**fields, "moved": False, "word_diff": False}).json
    assert [line["moved"] for hunk in off["hunks"] for line in hunk["lines"]] == [None] * 7


def test_a_form_body_is_accepted_too(client):
    response = client.post("/diff/api/diff", data={"left": "a\n", "right": "b\n", "context": "0", "word_diff": "off"})
    assert response.json == diff_texts("a\n", "b\n", DiffOptions(context=0, word_diff=False)).to_dict()


def test_the_patch_endpoint_gives_a_downloadable_unified_diff(client):
    fields = {"left": "é\nb\n", "right": "ü\nb", "left_name": "a/src/app.py", "right_name": "b/src/app.py"}
    response = client.post("/diff/api/diff.patch", json=fields)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/x-diff; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="app.py.patch"'
    assert response.get_data(as_text=True) == unified_diff("é\nb\n", "ü\nb", DiffOptions(), "a/src/app.py", "b/src/app.py")
    assert "\\ No newline at end of file" in response.get_data(as_text=True)


@pytest.mark.parametrize("where", ["json", "form", "query"])
def test_format_patch_on_api_diff_gives_the_patch(client, where):
    if where == "json":
        response = client.post("/diff/api/diff", json={"left": "a\n", "right": "b\n", "format": "patch"})
    elif where == "form":
        response = client.post("/diff/api/diff", data={"left": "a\n", "right": "b\n", "format": "patch"})
    else:
        response = client.post("/diff/api/diff?format=patch", data={"left": "a\n", "right": "b\n"})
    assert response.mimetype == "text/x-diff"
    assert response.get_data(as_text=True) == "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n"


def test_the_patch_file_name_is_safe_whatever_the_names(client):
    response = client.post("/diff/api/diff.patch", json={"left": "a\n", "right": "b\n", "right_name": '../"evil"; x=<y>.sh'})
    assert response.headers["Content-Disposition"] == 'attachment; filename="evil_x_y_.sh.patch"'
    response = client.post("/diff/api/diff.patch", json={"left": "a\n", "right": "b\n"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="diff.patch"'


def test_binary_input_is_refused_naming_the_side(client):
    """NUL is not text (``apps.textinput``): the sender is told which side holds it."""
    for path in ("/diff/api/diff", "/diff/api/diff.patch"):
        response = client.post(path, json={"left": "a", "right": "b\0"})
        assert error_of(response, 400, "nul_byte") == "Field 'right' contains a NUL byte (at character 1); only text is accepted."


def error_of(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert set(response.json) == {"error"}
    assert response.json["error"]["code"] == code
    return response.json["error"]["message"]


@pytest.mark.parametrize(
    "body, message",
    [
        ({"left": 1, "right": "b"}, "left must be a string"),
        ({"left": "a", "right": ["b"]}, "right must be a string"),
        ({"left": "a", "right": "b", "left_name": 3}, "left_name must be a string"),
        ({"left": "a", "right": "b", "right_name": "x\n+++ evil"}, "without line breaks"),
        ({"left": "a", "right": "b", "colour": "red"}, "Unknown field 'colour'"),
        (["left", "right"], "must be a JSON object"),
    ],
)
def test_wrong_types_and_values_are_400_bad_request(client, body, message):
    assert message in error_of(client.post("/diff/api/diff", json=body), 400, "bad_request")


@pytest.mark.parametrize(
    "body, code, message",
    [
        ({"context": -1}, "invalid_option", "context must be"),
        ({"context": 2.5}, "invalid_option", "context must be"),
        ({"context": True}, "invalid_option", "context must be"),
        ({"whitespace": "tabs"}, "invalid_option", "whitespace must be"),
        ({"ignore_blank_lines": "sometimes"}, "invalid_option", "ignore_blank_lines must be"),
        ({"word_diff": 1}, "invalid_option", "word_diff must be"),
        ({"moved": "perhaps"}, "invalid_option", "moved must be"),
        ({"format": "html"}, "unknown_format", "format must be json or patch"),
    ],
)
def test_an_option_out_of_its_values_is_400_named_as_the_highlighter_names_it(client, body, code, message):
    response = client.post("/diff/api/diff", json={"left": "a", "right": "b", **body})
    assert message in error_of(response, 400, code)


@pytest.mark.parametrize("body", [b"{", b'{"left": "a",}', b""])
def test_invalid_json_is_400_bad_request(client, body):
    response = client.post("/diff/api/diff", data=body, content_type="application/json")
    assert "not valid JSON" in error_of(response, 400, "bad_request")


def test_a_json_body_that_is_not_utf8_is_400_invalid_utf8(client):
    response = client.post("/diff/api/diff", data=b"\xff\xfe", content_type="application/json")
    assert error_of(response, 400, "invalid_utf8").startswith("The body is not valid UTF-8 text")


def test_a_side_over_the_limit_is_413_too_large(make_app):
    client = Client(make_app(DIFF_MAX_BYTES=100))
    response = client.post("/api/diff", json={"left": "é" * 51, "right": ""})
    assert error_of(response, 413, "too_large") == "The left text is 102 bytes; the limit is 100 bytes per side."


def test_a_body_over_the_total_limit_is_413_before_it_is_read(make_app):
    client = Client(make_app(DIFF_MAX_BYTES=100))
    response = client.post("/api/diff", data=json.dumps({"left": "x" * 10_000, "right": ""}), content_type="application/json")
    error_of(response, 413, "too_large")


def test_other_methods_are_405_with_allow_in_json(client):
    response = client.get("/diff/api/diff")
    error_of(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "POST"


def test_an_unknown_api_path_is_a_json_404(client):
    error_of(client.post("/diff/api/nothing", json={}), 404, "not_found")


def test_an_unexpected_failure_is_a_json_500_without_a_traceback(make_app, monkeypatch):
    from apps.diffviewer import work

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(work, "diff_json", broken)
    response = Client(make_app()).post("/api/diff", json={"left": "a", "right": "b"})
    message = error_of(response, 500, "internal_error")
    assert "secret" not in message and "Traceback" not in response.get_data(as_text=True)


def test_files_can_be_uploaded_under_the_sides_own_names(client):
    """What ``curl -F left=@old.txt -F right=@new.txt`` sends."""
    import io

    response = client.post("/diff/api/diff.patch", data={
        "left": (io.BytesIO(b"a\n"), "old.txt"), "right": (io.BytesIO(b"b\n"), "new.txt"),
    }, content_type="multipart/form-data")
    assert response.get_data(as_text=True) == "--- a/old.txt\n+++ b/new.txt\n@@ -1 +1 @@\n-a\n+b\n"
    assert response.headers["Content-Disposition"] == 'attachment; filename="old.txt_new.txt.patch"'


# ---- hostile bodies: every text field is checked, whatever the encoding ----

TEXT_FIELDS = ["left", "right", "left_name", "right_name", "lexer"]


def test_json_nested_too_deeply_is_400_not_a_crash(client):
    deep = b"[" * 100_000 + b"]" * 100_000
    for body in (deep, b'{"left": ' + deep + b"}"):
        response = client.post("/diff/api/diff", data=body, content_type="application/json")
        assert "nests arrays or objects too deeply" in error_of(response, 400, "bad_request")


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_lone_surrogate_in_any_json_text_field_is_400_naming_it(client, field):
    """JSON can spell a lone surrogate ("\\ud800"); it is not Unicode text, so it is refused."""
    body = json.dumps({"left": "a\n", "right": "b\n", field: "PLACEHOLDER"}).replace("PLACEHOLDER", "a\\ud800b")
    for path in ("/diff/api/diff", "/diff/api/diff.patch"):
        response = client.post(path, data=body.encode(), content_type="application/json")
        assert error_of(response, 400, "invalid_unicode").startswith(f"Field {field!r} contains a lone surrogate (\\ud800 at character 1)")


def test_surrogate_pairs_are_ordinary_text(client):
    body = json.dumps({"left": "a\n", "right": "\U0001f600\n"})
    assert "\\ud83d\\ude00" in body
    response = client.post("/diff/api/diff", data=body.encode(), content_type="application/json")
    assert response.status_code == 200
    assert response.json["hunks"][0]["lines"][1]["text"] == "\U0001f600"


def urlencoded(**fields):
    """A form body from byte values, %-escaped as a browser would."""
    from urllib.parse import quote_from_bytes

    return "&".join(f"{name}={quote_from_bytes(value)}" for name, value in fields.items()).encode("ascii")


def multipart(**fields):
    """A multipart body from byte values; a (filename, bytes) value is a file."""
    parts = []
    for name, value in fields.items():
        disposition = f'form-data; name="{name}"'
        if isinstance(value, tuple):
            disposition += f'; filename="{value[0]}"'
            value = value[1]
        parts.append(b"--b0undary\r\nContent-Disposition: " + disposition.encode() + b"\r\n\r\n" + value + b"\r\n")
    return b"".join(parts) + b"--b0undary--\r\n", "multipart/form-data; boundary=b0undary"


def send_form(client, path, kind, **fields):
    if kind == "urlencoded":
        return client.post(path, data=urlencoded(**fields), content_type="application/x-www-form-urlencoded")
    body, content_type = multipart(**fields)
    return client.post(path, data=body, content_type=content_type)


@pytest.mark.parametrize("kind", ["urlencoded", "multipart"])
@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("path", ["/diff/api/diff", "/diff/api/diff.patch"])
def test_invalid_utf8_in_any_form_text_field_is_400_naming_it(client, path, kind, field):
    """Not diffed with U+FFFD in place of the bytes: the sender is told which field is wrong."""
    fields = {"left": b"a\n", "right": b"b\n", field: b"caf\xe9 \xff\xfe\n"}
    message = error_of(send_form(client, path, kind, **fields), 400, "invalid_utf8")
    assert message.startswith(f"Field {field!r} is not valid UTF-8 text (byte 0xe9 at offset 3)")


@pytest.mark.parametrize("kind", ["urlencoded", "multipart"])
def test_valid_utf8_in_forms_is_kept_exactly(client, kind):
    fields = {"left": "é\r\n+%&=\n".encode(), "right": "ü\n".encode(), "left_name": "é.txt".encode()}
    response = send_form(client, "/diff/api/diff.patch", kind, **fields)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_data(as_text=True) == unified_diff("é\r\n+%&=\n", "ü\n", DiffOptions(), "a/é.txt", "b/é.txt")


def test_raw_bytes_that_are_not_utf8_in_a_urlencoded_body_are_refused(client):
    response = client.post("/diff/api/diff", data=b"left=caf\xe9&right=x", content_type="application/x-www-form-urlencoded")
    assert error_of(response, 400, "invalid_utf8").startswith("Field 'left' is not valid UTF-8 text")


def test_a_declared_part_charset_does_not_change_that_text_is_utf8(client):
    """Every app reads text as UTF-8 (``apps.textinput``); a part's ``charset`` is not a way around it."""
    body = (b'--b\r\nContent-Disposition: form-data; name="left"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n'
            b"caf\xe9\n\r\n--b\r\nContent-Disposition: form-data; name=\"right\"\r\n\r\ncafe\n\r\n--b--\r\n")
    response = client.post("/diff/api/diff.patch", data=body, content_type="multipart/form-data; boundary=b")
    assert error_of(response, 400, "invalid_utf8").startswith("Field 'left' is not valid UTF-8 text")


def test_an_uploaded_file_that_is_not_utf8_is_400_too(client):
    body, content_type = multipart(left=("old.txt", b"\xff\xfe\n"), right=b"x\n")
    response = client.post("/diff/api/diff.patch", data=body, content_type=content_type)
    assert error_of(response, 400, "invalid_utf8").startswith("The file sent as 'left' is not valid UTF-8 text")


@pytest.mark.parametrize("body, content_type", [
    (b"--b\r\nContent-Disposition: form-data; name=\"left\"\r\n\r\nx", "multipart/form-data; boundary=b"),
    (b"--b\r\nno headers\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    (b"left=x", "multipart/form-data"),
])
def test_a_broken_multipart_body_is_400_not_an_empty_form(client, body, content_type):
    response = client.post("/diff/api/diff", data=body, content_type=content_type)
    assert error_of(response, 400, "bad_request") == "The body is not a valid multipart form."


def test_too_many_form_parts_is_413(client):
    body, content_type = multipart(**{f"f{i}": b"x" for i in range(100)})
    error_of(client.post("/diff/api/diff", data=body, content_type=content_type), 413, "too_large")


@pytest.mark.parametrize("path", ["/diff/api/diff", "/diff/"])
def test_too_many_urlencoded_fields_is_413_as_for_multipart(client, path):
    """Checked before any field is read: a body of a million tiny fields is refused cheaply."""
    body = urlencoded(left=b"a", right=b"b") + b"&x" * 100
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    if path.endswith("/api/diff"):
        assert error_of(response, 413, "too_large") == "Too many form fields (at most 64)."


# ---- unexpected failures ----

def test_an_unexpected_failure_is_logged_with_its_traceback(make_app, monkeypatch, caplog):
    from apps.diffviewer import work

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(work, "patch", broken)
    response = Client(make_app()).post("/api/diff.patch", json={"left": "a", "right": "b"})
    error_of(response, 500, "internal_error")
    assert "secret" not in response.get_data(as_text=True)
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is RuntimeError and "POST /api/diff.patch" in record.getMessage()
