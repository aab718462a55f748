"""POST / (the pygments.appspot.com form API) and CORS for browser JavaScript elsewhere."""

import io

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import RubyLexer

CODE = "def hi\n  puts 'hi'\nend\n"


def test_the_legacy_api_returns_the_html_fragment_as_the_body(api):
    response = api.post("/", data={"lang": "ruby", "code": CODE})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.get_data(as_text=True) == highlight(CODE, RubyLexer(), HtmlFormatter())
    upload = api.post("/", data={"lang": "rb", "code": (io.BytesIO(CODE.encode()), "hi.rb")})
    assert upload.get_data(as_text=True) == response.get_data(as_text=True)


def test_the_legacy_api_refuses_unknown_languages_with_400_not_500(api):
    response = api.post("/", data={"lang": "klingon", "code": CODE})
    assert response.status_code == 400 and response.json["error"]["code"] == "unknown_lexer"
    assert api.post("/", data={"code": CODE}).json["error"]["code"] == "bad_request"
    assert api.post("/", data={"lang": "ruby"}).json["error"]["code"] == "bad_request"


def test_any_origin_may_call_the_api_by_default(api):
    response = api.post("/api/highlight", json={"code": "x"}, headers={"Origin": "https://elsewhere.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = api.open("/api/highlight", method="OPTIONS", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_pages_carry_no_cors_headers(api):
    assert "Access-Control-Allow-Origin" not in api.get("/", headers={"Origin": "https://x.example"}).headers


def test_cors_origins_are_configurable(app_with):
    api = app_with(HIGHLIGHT_CORS_ORIGINS="https://a.example, https://b.example")
    allowed = api.post("/api/highlight", json={"code": "x"}, headers={"Origin": "https://b.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in allowed.headers["Vary"]
    other = api.post("/api/highlight", json={"code": "x"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = api.open("/api/lexers", method="OPTIONS", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and "Access-Control-Allow-Methods" not in preflight.headers


def test_cors_can_be_switched_off(app_with):
    api = app_with(HIGHLIGHT_CORS_ORIGINS="")
    response = api.get("/api/styles", headers={"Origin": "https://a.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
