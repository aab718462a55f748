"""GET /api/openapi.json describes the API that runs: a valid OpenAPI 3.1 document naming
exactly the app's routes, whose schemas accept the requests we send and every real
response we get back (success and error alike)."""

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.payloads import SLOW_SCALA


@pytest.fixture
def spec(api):
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json


def check(spec, schema, instance):
    """Validate against a schema of the spec (its $refs resolve within the spec)."""
    Draft202012Validator({**schema, "components": spec["components"]}).validate(instance)


def check_response(spec, path, method, response):
    operation = spec["paths"][path][method]
    declared = operation["responses"].get(str(response.status_code)) or operation["responses"]["default"]
    if "content" not in declared:
        assert response.data == b""
        return
    media = declared["content"][response.mimetype]
    if response.mimetype == "application/json":
        check(spec, media["schema"], response.json)
    for header in declared.get("headers", {}):
        assert header in response.headers


def test_the_description_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_the_server_url_is_the_mount(api, spec):
    assert spec["servers"] == [{"url": api.prefix or "/"}]


def test_it_names_exactly_the_apps_routes(standalone_app):
    from apps.highlighter.openapi import spec as make_spec

    documented = {(path, method) for path, item in make_spec()["paths"].items() for method in item}
    routed = set()
    for rule in standalone_app.url_map.iter_rules():
        if rule.endpoint in ("static", "health", "pages.playground", "pages.favicon"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routed |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed


REQUESTS = [
    {"code": "x = 1\n", "lexer": "python", "options": {"linenos": "table", "hl_lines": [1]}},
    {"code": "x = 1\n", "format": "tokens", "filename": "a.py"},
    {"code": "x = 1\n", "format": "classes", "lexer": "python", "options": {"stripnl": True}},
    {"code": "x = 1\n", "format": "ansi", "style": "monokai", "guess": True},
    {"code": "x", "mimetype": "text/x-ruby", "options": {"noclasses": True, "full": True, "title": "t"}},
    {"code": "x", "lexer": "nope"},
    {"code": "x", "style": "nope"},
    {"code": "x", "format": "nope"},
    {"code": "x", "options": {"tabsize": 99}},
]


@pytest.mark.parametrize("fields", REQUESTS)
def test_highlight_requests_and_responses_match_the_schemas(api, spec, fields):
    if not any(word == "nope" for word in fields.values()) and fields.get("options", {}).get("tabsize") is None:
        check(spec, {"$ref": "#/components/schemas/HighlightRequest"}, fields)
    check_response(spec, "/api/highlight", "post", api.post("/api/highlight", json=fields))


def test_a_304_matches(api, spec):
    etag = api.post("/api/highlight", json=REQUESTS[0]).headers["ETag"]
    response = api.post("/api/highlight", json=REQUESTS[0], headers={"If-None-Match": etag})
    check_response(spec, "/api/highlight", "post", response)


def test_error_responses_match(api, spec):
    for response in (api.post("/api/highlight", data=b"{", content_type="application/json"),
                     api.post("/api/highlight", data={"code": "x", "options.nope": "1"}),
                     api.open("/api/highlight", method="PUT")):
        check_response(spec, "/api/highlight", "post", response)
    check_response(spec, "/api/guess", "post", api.post("/api/guess", json={}))
    check_response(spec, "/styles/{style}.css", "get", api.get("/styles/nope.css"))
    check_response(spec, "/", "post", api.post("/", data={"lang": "nope", "code": "x"}))


def test_a_timeout_matches(app_with, spec):
    api = app_with(HIGHLIGHT_TIMEOUT=0.5)
    response = api.post("/api/highlight", json={"code": SLOW_SCALA, "lexer": "scala"})
    assert response.status_code == 422
    check_response(spec, "/api/highlight", "post", response)


def test_the_other_endpoints_match(api, spec):
    for path in ("/api/lexers", "/api/styles", "/api/formatters", "/api/openapi.json"):
        check_response(spec, path, "get", api.get(path))
    check_response(spec, "/styles/{style}.css", "get", api.get("/styles/emacs.css"))
    for fields in ({"filename": "a.c"}, {"code": "#!/bin/sh\necho"}, {"filename": "a.h", "code": "int x;"}):
        check(spec, {"$ref": "#/components/schemas/GuessRequest"}, fields)
        check_response(spec, "/api/guess", "post", api.post("/api/guess", json=fields))
    check_response(spec, "/", "post", api.post("/", data={"lang": "c", "code": "int x;"}))


def test_the_schemas_would_catch_a_wrong_response(spec):
    """Guard against schemas too loose to fail."""
    with pytest.raises(Exception):
        check(spec, {"$ref": "#/components/schemas/HighlightResult"}, {"output": 1, "format": "html"})
    with pytest.raises(Exception):
        check(spec, {"$ref": "#/components/schemas/Error"}, {"error": {"code": "nope", "message": "x"}})


def test_the_guess_schemas_would_catch_a_wrong_detection(spec):
    good = {"lexer": {"name": "Go", "alias": "go"}, "method": "content", "guessed": True, "rule": "model",
            "confidence": 0.9, "candidates": [{"lexer": "go", "name": "Go", "score": 0.9}]}
    check(spec, {"$ref": "#/components/schemas/GuessResult"}, good)
    for wrong in ({**good, "rule": "magic"}, {**good, "confidence": 1.5}, {**good, "candidates": [{"lexer": "go"}]},
                  {key: value for key, value in good.items() if key != "rule"}):
        with pytest.raises(Exception):
            check(spec, {"$ref": "#/components/schemas/GuessResult"}, wrong)
    highlighted = {"output": "x", "format": "html", "lexer": {"name": "Go", "alias": "go"}, "style": "default",
                   "guessed": True, "method": "content"}
    check(spec, {"$ref": "#/components/schemas/HighlightResult"}, {**highlighted, "detection": good})
    with pytest.raises(Exception):
        check(spec, {"$ref": "#/components/schemas/HighlightResult"}, {**highlighted, "detection": {"rule": "model"}})
