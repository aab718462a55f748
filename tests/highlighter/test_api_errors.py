"""Every error is JSON {"error": {"code", "message"}} with the documented status, never HTML."""

import pytest


def assert_error(response, status, code, *words):
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    assert set(response.json) == {"error"} and set(response.json["error"]) == {"code", "message"}
    assert response.json["error"]["code"] == code
    for word in words:
        assert word in response.json["error"]["message"]


@pytest.mark.parametrize(("body", "words"), [
    (b"{not json", ["not valid JSON"]),
    (b"", ["not valid JSON"]),
    (b"[1, 2]", ["JSON object"]),
    (b'{"lexer": "python"}', ["code is required"]),
    (b'{"code": 42}', ["code", "string"]),
    (b'{"code": "x", "guess": "yes"}', ["guess"]),
    (b'{"code": "x", "lexer": 3}', ["lexer"]),
    (b'{"code": "x", "colour": "red"}', ["colour", "Fields"]),
    (b"[" * 100000, []),
])
def test_bad_json_bodies_are_bad_request(api, body, words):
    assert_error(api.post("/api/highlight", data=body, content_type="application/json"), 400, "bad_request", *words)


def test_a_wrong_content_type_is_bad_request(api):
    assert_error(api.post("/api/highlight", data="code=x", content_type="text/plain"), 400, "bad_request", "text/plain", "application/json")


def test_a_json_body_that_is_not_utf8_is_invalid_utf8(api):
    response = api.post("/api/highlight", data=b"\xff\xfe{}", content_type="application/json")
    assert_error(response, 400, "invalid_utf8", "The body", "UTF-8")


def test_lone_surrogates_in_json_strings_are_refused(api):
    for body, field in [('{"code": "a\\ud800b"}', "'code'"), ('{"code": "x", "lexer": "\\udfff"}', "'lexer'"),
                        ('{"code": "x", "options": {"title": "\\ud83d"}}', "'options.title'")]:
        assert_error(api.post("/api/highlight", data=body, content_type="application/json"), 400, "invalid_unicode",
                     "lone surrogate", field)
    paired = api.post("/api/highlight", data='{"code": "\\ud83d\\ude80"}', content_type="application/json")
    assert paired.status_code == 200


def test_invalid_utf8_in_a_form_or_an_upload_is_refused(api):
    form = api.post("/api/highlight", data=b"code=%C3%28&lexer=python", content_type="application/x-www-form-urlencoded")
    assert_error(form, 400, "invalid_utf8", "'code'", "UTF-8")
    raw = api.post("/api/highlight", data=b"code=\xff", content_type="application/x-www-form-urlencoded")
    assert_error(raw, 400, "invalid_utf8", "UTF-8")
    upload = api.post("/api/highlight", data={"code": (__import__("io").BytesIO(b"ok \xe9 latin-1"), "a.py")})
    assert_error(upload, 400, "invalid_utf8", "'code'", "UTF-8", "0xe9")


def test_a_field_sent_twice_is_refused(api):
    assert_error(api.post("/api/highlight", data=b"code=a&code=b", content_type="application/x-www-form-urlencoded"),
                 400, "bad_request", "more than once")


def test_a_broken_multipart_body_is_bad_request(api):
    response = api.post("/api/highlight", data=b"--x\r\nnonsense", content_type="multipart/form-data; boundary=x")
    assert_error(response, 400, "bad_request", "multipart")
    assert_error(api.post("/api/highlight", data=b"x", content_type="multipart/form-data"), 400, "bad_request", "boundary")


@pytest.mark.parametrize(("fields", "code", "words"), [
    ({"lexer": "no-such-lexer"}, "unknown_lexer", ["'no-such-lexer'", "/api/lexers"]),
    ({"style": "no-such-style"}, "unknown_style", ["'no-such-style'", "/api/styles"]),
    ({"format": "png"}, "unknown_format", ["'png'", "/api/formatters"]),
    ({"options": {"cssfile": "/etc/passwd"}}, "invalid_option", ["'cssfile'", "linenos"]),
    ({"options": {"tabsize": 5000000}}, "invalid_option", ["tabsize", "5000000", "0 to 16"]),
    ({"options": {"linenos": "sideways"}}, "invalid_option", ["linenos", "sideways"]),
    ({"options": {"hl_lines": list(range(1, 2000))}}, "invalid_option", ["hl_lines"]),
    ({"options": {"linenos": "table"}, "format": "tokens"}, "invalid_option", ["linenos", "only with format html"]),
    ({"options": "linenos"}, "invalid_option", ["object"]),
])
def test_unknown_names_and_bad_options_say_what_is_valid(api, fields, code, words):
    assert_error(api.post("/api/highlight", json={"code": "x", **fields}), 400, code, *words)


@pytest.mark.parametrize(("send", "listed"), [
    (lambda api: api.post("/api/highlight", json={"code": "x", "lexer": "no-such-lexer"}), "/api/lexers"),
    (lambda api: api.post("/api/highlight", json={"code": "x", "style": "no-such-style"}), "/api/styles"),
    (lambda api: api.post("/api/highlight", json={"code": "x", "format": "png"}), "/api/formatters"),
    (lambda api: api.post("/", data={"code": "x"}), "/api/lexers"),  # the legacy form API
])
def test_a_list_an_error_points_to_is_named_where_it_is_served(api, send, listed):
    """Through the composite "See /highlight/api/lexers", alone "See /api/lexers": a path that answers."""
    message = send(api).json["error"]["message"]
    assert f" {api.prefix}{listed} " in message.replace(")", " ").replace(".", " "), message
    assert api.get(listed).status_code == 200


def test_a_batch_items_error_names_the_list_where_it_is_served(api):
    response = api.post("/api/highlight/batch", json={"items": [{"code": "x", "lexer": "no-such-lexer"}]})
    assert response.status_code == 200, response.data
    message = response.json["results"][0]["error"]["message"]
    assert f"See {api.prefix}/api/lexers " in message, message


def test_a_bad_option_value_is_quoted_as_json_not_as_python(api):
    """The playground once showed "got [None]" for a line number it could not read."""
    response = api.post("/api/highlight", json={"code": "x", "options": {"hl_lines": [None], "wrapcode": True}})
    assert_error(response, 400, "invalid_option", "hl_lines", "got [null].")
    assert_error(api.post("/api/highlight", json={"code": "x", "options": {"stripnl": "yes"}}),
                 400, "invalid_option", 'got "yes".')
    assert_error(api.post("/api/highlight", json={"code": "x", "options": {"hl_lines": ["x" * 100]}}),
                 400, "invalid_option", 'got ["xxxx', "…")


def test_bad_options_in_a_form(api):
    assert_error(api.post("/api/highlight", data={"code": "x", "options": "{nope"}), 400, "invalid_option", "JSON object")
    assert_error(api.post("/api/highlight", data={"code": "x", "options.wrapcode": "maybe"}), 400, "invalid_option", "wrapcode", "maybe")
    assert_error(api.post("/api/highlight", data={"code": "x", "guess": "perhaps"}), 400, "bad_request", "guess")


def test_404_and_405_under_the_api_are_json(api):
    assert_error(api.get("/api/nothing-here"), 404, "not_found", "/api/nothing-here", "openapi.json")
    response = api.get("/api/highlight")
    assert_error(response, 405, "method_not_allowed", "POST")
    assert "POST" in response.headers["Allow"]
    assert_error(api.post("/api/lexers"), 405, "method_not_allowed")
    assert_error(api.open("/api/highlight", method="DELETE"), 405, "method_not_allowed")


def test_guess_errors(api):
    assert_error(api.post("/api/guess", json={}), 400, "bad_request", "filename")
    assert_error(api.post("/api/guess", json={"code": 1}), 400, "bad_request", "code")
    assert_error(api.post("/api/guess", json={"filename": "a", "lexer": "x"}), 400, "bad_request", "'lexer'")


def test_no_error_ever_carries_an_etag(api):
    response = api.post("/api/highlight", json={"code": "x", "lexer": "nope"})
    assert "ETag" not in response.headers and response.headers["Cache-Control"] == "no-store"
