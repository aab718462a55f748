"""Lexer lookup by file name is kept per name and skips the analysers when one lexer claims it:
the answers are Pygments' own."""

import pytest
from pygments.lexers import guess_lexer_for_filename
from pygments.lexers.python import PythonLexer

from apps.highlighter.core import detect, detection

NAMES_AND_TEXTS = [
    ("django/db/models/query.py", "import os\n"),
    ("django/conf/locale/de/LC_MESSAGES/django.po", 'msgid ""\nmsgstr ""\n'),
    ("x.h", "#import <Foundation/Foundation.h>\n@interface A : NSObject\n@end\n"),
    ("x.h", "int x;\n"),
    ("templates/page.html", "{% block body %}{{ x }}{% endblock %}\n"),
    ("static/app.js", "var x = 1;\n"),
    ("a.pl", "use strict;\nmy $x = 1;\n"),
]


@pytest.mark.parametrize("filename, text", NAMES_AND_TEXTS)
def test_a_file_name_settles_as_pygments_guess_for_filename_does(filename, text):
    lexer_class, answer = detection.detected(text, filename, content=False)
    assert answer["rule"] == "filename"
    if lexer_class is detection.find_lexer_class_for_filename(filename):
        assert lexer_class is type(guess_lexer_for_filename(filename, detect.pygments_view(text)))


def test_a_name_one_lexer_claims_runs_no_analyser(monkeypatch):
    def analysed(text):
        raise AssertionError("an analyser ran for a name only one lexer claims")

    monkeypatch.setattr(PythonLexer, "analyse_text", staticmethod(analysed))
    lexer_class, answer = detection.detected("print(1)\n", "setup.py", content=False)
    assert lexer_class is PythonLexer and answer["method"] == "filename"


def test_a_name_several_lexers_claim_is_still_settled_by_the_content():
    lexer_class, answer = detection.detected("#import <x.h>\n@interface A\n@end\n", "a.h", content=False)
    assert lexer_class.name == "Objective-C" and answer["method"] == "filename+content"
    lexer_class, _ = detection.detected("int main(void) { return 0; }\n", "a.h", content=False)
    assert lexer_class.name == "C"
