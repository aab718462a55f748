"""Which lexer highlights a request: lexer, then mimetype, then filename, then content."""

import pytest

from apps.highlighter.core import HighlightError, HighlightRequest, guess, highlight

PYTHON_SCRIPT = "#!/usr/bin/env python\nimport os\n"
OBJECTIVE_C = "@interface Foo : NSObject\n@end\n"


def chosen(**fields):
    result = highlight(HighlightRequest.from_fields({"code": PYTHON_SCRIPT, **fields}))
    return result["lexer"]["name"], result["method"], result["guessed"]


def test_a_named_lexer_beats_everything_else():
    assert chosen(lexer="c", mimetype="text/x-ruby", filename="a.py", guess=True) == (
        "C", "lexer", False)


def test_a_mimetype_beats_the_filename():
    assert chosen(mimetype="text/x-ruby", filename="a.py") == ("Ruby", "mimetype", False)


def test_an_unknown_mimetype_does_not_decide():
    assert chosen(mimetype="application/x-nonsense", filename="a.rb") == (
        "Ruby", "filename", True)


def test_a_filename_decides_by_its_pattern():
    assert chosen(filename="Makefile") == ("Makefile", "filename", True)
    assert chosen(filename="src/deep/path/a.rs") == ("Rust", "filename", True)


def test_content_breaks_ties_between_lexers_claiming_a_filename():
    """Both C and Objective-C claim *.h; C wins on the name alone."""
    assert chosen(filename="x.h") == ("C", "filename", True)
    assert chosen(filename="x.h", code=OBJECTIVE_C) == (
        "Objective-C", "filename+content", True)


def test_content_alone_decides_only_when_asked_to_guess():
    assert chosen() == ("Text only", "default", False)
    assert chosen(guess=True) == ("Python", "content", True)
    assert chosen(filename="notes.unknown-extension", guess=True) == (
        "Python", "content", True)


def test_plain_text_is_the_default():
    result = highlight(HighlightRequest.from_fields({"code": "hello"}))
    assert result["lexer"] == {"name": "Text only", "alias": "text"}


@pytest.mark.parametrize("filename, code, expected", [
    ("a.py", None, ("Python", "filename")),
    ("x.h", OBJECTIVE_C, ("Objective-C", "filename+content")),
    (None, PYTHON_SCRIPT, ("Python", "content")),
    ("notes.unknown-extension", None, ("Text only", "default")),
    (None, None, ("Text only", "default")),
])
def test_guess_says_what_pygments_would_pick_and_how(filename, code, expected):
    result = guess(filename=filename, code=code)
    assert (result["lexer"]["name"], result["method"]) == expected
    assert result["guessed"] is (expected[1] != "default")


@pytest.mark.parametrize("fields", [{"filename": 5}, {"code": b"x"}, {"filename": "a" * 256}])
def test_guess_refuses_malformed_input(fields):
    with pytest.raises(HighlightError) as info:
        guess(**fields)
    assert info.value.code == "bad_request"
