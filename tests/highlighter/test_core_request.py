"""HighlightRequest.from_fields: what a client may send, and what it is told otherwise."""

import pytest

from apps.highlighter.core import HighlightError, HighlightRequest
from apps.highlighter.core.errors import STATUS


def request(**fields):
    return HighlightRequest.from_fields({"code": "x = 1\n", **fields})


def refusal(fields, **kwargs) -> HighlightError:
    with pytest.raises(HighlightError) as info:
        HighlightRequest.from_fields(fields, **kwargs)
    return info.value


def test_code_alone_is_a_request_with_defaults():
    assert HighlightRequest.from_fields({"code": "x"}) == HighlightRequest(
        code="x", lexer=None, filename=None, mimetype=None, guess=False,
        format="html", style="default", options={},
    )


def test_names_are_normalized():
    """Aliases, lexer names and format aliases in any case resolve to one canonical name."""
    assert request(lexer="PY").lexer == "Python"
    assert request(lexer="python3").lexer == "Python"
    assert request(lexer="Python").lexer == "Python"
    assert request(format="HTM").format == "html"
    assert request(format="terminal256").format == "ansi"
    assert request(mimetype="Text/X-Python; charset=utf-8").mimetype == "text/x-python"


def test_requests_that_mean_the_same_are_equal():
    assert request(lexer="py", format="html", style="default", options=None) == request(
        lexer="Python")


def test_empty_strings_count_as_absent():
    """HTML forms send every field, empty or not."""
    assert request(lexer="", filename="", mimetype="", format="", style="") == request()


@pytest.mark.parametrize("fields", [
    ["code"],
    {},
    {"code": None},
    {"code": b"x = 1"},
    {"code": 5},
    {"code": "x", "lexr": "python"},
    {"code": "x", "guess": "yes"},
    {"code": "x", "guess": 1},
    {"code": "x", "lexer": 5},
    {"code": "x", "filename": "a" * 256},
    {"code": "x", "mimetype": ["text/x-python"]},
    {"code": "lone \ud800 surrogate"},
], ids=repr)
def test_malformed_fields_are_bad_requests(fields):
    assert refusal(fields).code == "bad_request"


def test_an_unknown_field_is_named_with_the_valid_ones():
    message = refusal({"code": "x", "lexr": "python"}).message
    assert "'lexr'" in message and "lexer" in message


def test_unknown_names_say_where_to_find_the_valid_ones():
    lexer = refusal({"code": "x", "lexer": "no-such-lexer"})
    style = refusal({"code": "x", "style": "no-such-style"})
    output = refusal({"code": "x", "format": "no-such-format"})
    assert (lexer.code, style.code, output.code) == (
        "unknown_lexer", "unknown_style", "unknown_format")
    assert "'no-such-lexer'" in lexer.message and "/api/lexers" in lexer.message
    assert "'no-such-style'" in style.message and "/api/styles" in style.message
    assert "'no-such-format'" in output.message and "/api/formatters" in output.message


def test_long_bad_values_are_shortened_in_messages():
    assert len(refusal({"code": "x", "style": "s" * 200}).message) < 150


@pytest.mark.parametrize("name", ["png", "img", "gif", "raw", "testcase"])
def test_image_and_raw_formatters_are_not_offered(name):
    assert refusal({"code": "x", "format": name}).code == "unknown_format"


def test_size_is_counted_in_utf8_bytes():
    assert HighlightRequest.from_fields({"code": "ééé"}, max_bytes=6).code == "ééé"
    error = refusal({"code": "ééé"}, max_bytes=5)
    assert (error.code, error.status) == ("too_large", 413)


def test_every_error_code_has_its_status():
    assert {code: HighlightError(code, "m").status for code in STATUS} == {
        "bad_request": 400, "unknown_lexer": 400, "unknown_style": 400,
        "unknown_format": 400, "invalid_option": 400, "too_large": 413, "timeout": 422,
        "output_too_large": 422,
        "busy": 503, "worker_crashed": 500, "internal_error": 500,
    }
    assert HighlightError("timeout", "slow").to_dict() == {
        "error": {"code": "timeout", "message": "slow"}}


# Options


def test_every_whitelisted_option_is_accepted_and_normalized():
    options = request(options={
        "linenos": True, "linenostart": 10, "linenostep": 2, "hl_lines": [3, 1, 3],
        "lineanchors": "L", "linespans": "line", "anchorlinenos": True, "wrapcode": True,
        "nowrap": False, "noclasses": False, "cssclass": "code-block", "classprefix": "pg_",
        "full": True, "title": "query.py", "stripnl": False, "stripall": False,
        "tabsize": 4, "startinline": True,
    }).options
    assert options["linenos"] == "table"  # what Pygments makes of true
    assert options["hl_lines"] == [1, 3]


@pytest.mark.parametrize("name, value", [
    ("tabsize", 5_000_000),
    ("tabsize", 17),
    ("tabsize", -1),
    ("tabsize", "4"),
    ("tabsize", 4.0),
    ("tabsize", True),
    ("linenostart", 0),
    ("linenostart", -5),
    ("linenostart", 10**10),
    ("linenostep", 0),
    ("linenostep", 1001),
    ("linenos", "yes"),
    ("linenos", 1),
    ("hl_lines", "1,2"),
    ("hl_lines", [0]),
    ("hl_lines", [1.5]),
    ("hl_lines", [True]),
    ("hl_lines", list(range(1, 1002))),
    ("cssclass", "a b"),
    ("cssclass", '"><script>alert(1)</script>'),
    ("cssclass", ""),
    ("cssclass", "1st"),
    ("cssclass", "a" * 65),
    ("classprefix", "x;y"),
    ("lineanchors", "a{"),
    ("linespans", None),
    ("nowrap", "true"),
    ("full", 1),
    ("noclasses", None),
    ("title", "t" * 201),
    ("title", "two\nlines"),
    ("title", 5),
    ("stripnl", "false"),
    ("startinline", 0),
])
def test_out_of_range_or_mistyped_options_are_refused(name, value):
    error = refusal({"code": "x", "options": {name: value}})
    assert error.code == "invalid_option"
    assert repr(name) in error.message


@pytest.mark.parametrize("name", [
    "cssfile", "noclobber_cssfile", "tagsfile", "tagurlformat", "filename", "encoding",
    "outencoding", "style", "debug_token_types", "ensurenl", "lineseparator",
])
def test_options_outside_the_whitelist_are_refused_with_the_allowed_names(name):
    error = refusal({"code": "x", "options": {name: "x"}})
    assert error.code == "invalid_option"
    assert repr(name) in error.message and "linenos" in error.message


def test_html_options_need_format_html():
    error = refusal({"code": "x", "format": "ansi", "options": {"linenos": "table"}})
    assert error.code == "invalid_option" and "only with format html" in error.message
    assert request(format="tokens", options={"tabsize": 4}).options == {"tabsize": 4}


def test_options_must_be_an_object():
    assert refusal({"code": "x", "options": [["linenos", "table"]]}).code == "invalid_option"
