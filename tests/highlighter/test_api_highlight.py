"""POST /api/highlight: the same fields as JSON, form-encoded and multipart; what comes back."""

import json

import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter, Terminal256Formatter
from pygments.lexers import PythonLexer, RubyLexer

CODE = "def hello(name):\n    return f'Hello, {name}!'\n"


def test_html_is_byte_identical_to_pygments_with_the_same_options(api):
    options = {"linenos": "table", "hl_lines": [2], "cssclass": "code", "lineanchors": "L", "wrapcode": True}
    response = api.post("/api/highlight", json={"code": CODE, "lexer": "python", "options": options})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json["output"] == highlight(CODE, PythonLexer(), HtmlFormatter(**options))
    assert response.json["lexer"] == {"name": "Python", "alias": "python"}
    assert response.json["format"] == "html" and response.json["style"] == "default"
    assert response.json["guessed"] is False


def test_a_form_and_a_multipart_body_give_what_json_gives(api):
    as_json = api.post("/api/highlight", json={
        "code": CODE, "lexer": "py", "style": "monokai", "options": {"linenos": "inline", "hl_lines": [1, 2], "noclasses": True}})
    as_form = api.post("/api/highlight", data={
        "code": CODE, "lexer": "py", "style": "monokai", "options": '{"linenos": "inline", "hl_lines": [1, 2], "noclasses": true}'})
    as_fields = api.post("/api/highlight", data={
        "code": CODE, "lexer": "py", "style": "monokai",
        "options.linenos": "inline", "options.hl_lines": "1,2", "options.noclasses": "on"}, content_type="multipart/form-data")
    assert as_json.status_code == as_form.status_code == as_fields.status_code == 200
    assert as_json.data == as_form.data == as_fields.data


def test_an_uploaded_file_names_its_lexer(api):
    response = api.post("/api/highlight", data={"code": (__import__("io").BytesIO(b"puts 'hi'\n"), "greet.rb")})
    assert response.status_code == 200, response.json
    assert response.json["lexer"]["alias"] == "ruby"
    assert response.json["guessed"] is True
    assert response.json["output"] == highlight("puts 'hi'\n", RubyLexer(), HtmlFormatter())


def test_form_booleans_and_numbers_are_typed_by_option(api):
    response = api.post("/api/highlight", data={
        "code": "a\nb\n", "guess": "false", "options.linenos": "table", "options.linenostart": "5",
        "options.anchorlinenos": "true", "options.lineanchors": "n"})
    assert response.status_code == 200, response.json
    assert 'href="#n-5"' in response.json["output"]


@pytest.mark.parametrize(("fields", "alias", "method", "guessed"), [
    ({"lexer": "ruby", "mimetype": "text/x-python", "filename": "a.py"}, "ruby", "lexer", False),
    ({"mimetype": "text/x-python", "filename": "a.rb"}, "python", "mimetype", False),
    ({"filename": "setup.py"}, "python", "filename", True),
    ({"guess": True, "code": "#!/usr/bin/env ruby\nputs 1\n"}, "ruby", "content", True),
    ({"code": "#!/usr/bin/env ruby\nputs 1\n"}, "text", "default", False),
])
def test_the_lexer_is_chosen_by_lexer_then_mimetype_then_filename_then_guess(api, fields, alias, method, guessed):
    response = api.post("/api/highlight", json={"code": "x = 1\n", **fields})
    assert response.status_code == 200, response.json
    assert response.json["lexer"]["alias"] == alias
    assert (response.json["method"], response.json["guessed"]) == (method, guessed)


def test_tokens_are_lines_of_type_and_text_pairs(api):
    response = api.post("/api/highlight", json={"code": "\nx = 1\n", "lexer": "python", "format": "tokens"})
    assert response.status_code == 200
    lines = response.json["output"]
    assert lines[0] == []
    assert ["Token.Name", "x"] in lines[1] and ["Token.Literal.Number.Integer", "1"] in lines[1]
    assert "".join(text for _, text in lines[1]) == "x = 1"


def test_ansi_is_256_colour_terminal_output_in_the_style(api):
    response = api.post("/api/highlight", json={"code": CODE, "lexer": "python", "format": "ansi", "style": "monokai"})
    assert response.status_code == 200
    assert response.json["output"] == highlight(CODE, PythonLexer(), Terminal256Formatter(style="monokai"))


def test_non_ascii_code_round_trips(api):
    code = "s = '日本語 🚀 café'\n"
    response = api.post("/api/highlight", json={"code": code, "lexer": "python", "format": "tokens"})
    assert "".join(t for line in response.json["output"] for _, t in line) == code.rstrip("\n")


def test_full_documents_escape_the_title(api):
    response = api.post("/api/highlight", json={"code": "x", "options": {"full": True, "title": "<script>x</script>"}})
    assert response.status_code == 200
    assert "<script>x" not in response.json["output"] and "&lt;script&gt;" in response.json["output"]


def test_the_response_is_compact_json_whose_bytes_parse(api):
    response = api.post("/api/highlight", json={"code": CODE})
    assert json.loads(response.data) == response.json
