"""POST /api/guess and ``guess: true``: the lexer detected, the rule that decided, how sure, the
candidates weighed; each answer checked against the OpenAPI document."""

import pytest

from tests.contract import check_answer

GO = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}\n}\n'
PROSE = "Dear all, the meeting moves to noon on Thursday. Bring the notes from last week.\n"
OBJECTIVE_C = "@interface Foo : NSObject\n@end\n"


def guessed(api, **fields):
    response = api.post("/api/guess", json=fields)
    assert response.status_code == 200, response.json
    assert check_answer("POST", "/api/guess", 200, response.headers, response.data) == []
    return response.json


@pytest.mark.parametrize(("fields", "alias", "rule"), [
    ({"filename": "Makefile"}, "make", "filename"),
    ({"filename": "src/app/main.rs", "code": PROSE}, "rust", "filename"),
    ({"code": "#!/usr/bin/env node\nconsole.log(1)\n"}, "javascript", "shebang"),
    ({"code": "#!/bin/sh\necho hi\n"}, "bash", "shebang"),
    ({"code": "# -*- mode: ruby -*-\nputs 1\n"}, "ruby", "modeline"),
    ({"code": "x = 1\n# vim: set filetype=python:\n"}, "python", "modeline"),
])
def test_a_name_shebang_or_modeline_decides_for_sure(api, fields, alias, rule):
    answer = guessed(api, **fields)
    assert (answer["lexer"]["alias"], answer["rule"], answer["confidence"]) == (alias, rule, 1.0)
    assert answer["candidates"] == [{"lexer": alias, "name": answer["lexer"]["name"], "score": 1.0}]
    assert (answer["method"], answer["guessed"]) == ("filename" if rule == "filename" else "content", True)


def test_the_file_name_decides_before_the_content(api):
    answer = guessed(api, filename="build.rb", code="#!/usr/bin/env python\nimport os\n")
    assert (answer["lexer"]["alias"], answer["rule"]) == ("ruby", "filename")


def test_the_content_settles_a_file_name_several_lexers_claim(api):
    """C and Objective-C both claim *.h: the name's rule, the content's choice among them."""
    answer = guessed(api, filename="Foo.h", code=OBJECTIVE_C)
    assert (answer["lexer"]["name"], answer["rule"], answer["method"]) == ("Objective-C", "filename", "filename+content")
    assert guessed(api, filename="Foo.h")["lexer"]["name"] == "C"


def test_the_model_decides_content_alone_and_shows_its_candidates(api):
    answer = guessed(api, code=GO)
    assert (answer["lexer"]["alias"], answer["rule"], answer["method"], answer["guessed"]) == (
        "go", "model", "content", True)
    scores = [candidate["score"] for candidate in answer["candidates"]]
    assert answer["candidates"][0] == {"lexer": "go", "name": "Go", "score": answer["confidence"]}
    assert answer["confidence"] >= 0.7 and scores == sorted(scores, reverse=True) and len(scores) > 1


def test_prose_falls_back_to_plain_text(api):
    answer = guessed(api, code=PROSE)
    assert answer["lexer"] == {"name": "Text only", "alias": "text"}
    assert (answer["rule"], answer["method"], answer["guessed"]) == ("fallback", "default", False)
    assert 0 <= answer["confidence"] <= 1


def test_a_file_name_nobody_claims_with_no_code_is_plain_text(api):
    answer = guessed(api, filename="notes.unknown-extension")
    assert (answer["lexer"]["alias"], answer["rule"], answer["candidates"]) == ("text", "fallback", [])


def highlighted(api, **fields):
    response = api.post("/api/highlight", json=fields)
    assert response.status_code == 200, response.json
    assert check_answer("POST", "/api/highlight", 200, response.headers, response.data) == []
    return response.json


@pytest.mark.parametrize("fields", [
    {"code": GO}, {"code": PROSE}, {"code": "#!/usr/bin/env node\nconsole.log(1)\n"},
    {"code": "# -*- mode: ruby -*-\nputs 1\n"}, {"code": OBJECTIVE_C, "filename": "Foo.h"},
])
def test_guess_true_reports_the_same_detection_as_api_guess(api, fields):
    result = highlighted(api, guess=True, **fields)
    assert result["detection"] == guessed(api, **fields)
    assert result["lexer"] == result["detection"]["lexer"]
    assert (result["method"], result["guessed"]) == (result["detection"]["method"], result["detection"]["guessed"])


def test_a_file_name_alone_is_detection_too(api):
    result = highlighted(api, code=PROSE, filename="notes.md")
    assert result["detection"]["rule"] == "filename" and result["lexer"]["alias"] == "markdown"


@pytest.mark.parametrize("fields", [
    {"code": GO},  # no guess asked for: plain text, nothing detected
    {"code": GO, "filename": "notes.unknown-extension"},
    {"code": GO, "lexer": "go", "guess": True},
    {"code": GO, "mimetype": "text/x-python", "guess": True},
])
def test_no_detection_when_the_client_named_the_lexer_or_did_not_ask(api, fields):
    assert "detection" not in highlighted(api, **fields)
