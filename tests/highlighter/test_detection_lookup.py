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


# A page of CSS as Django's admin writes it: Pygments' analysers score it 0.15 as Lasso.
ADMIN_CSS = "body {\n    margin: 0;\n    padding: 0;\n}\n\na[href]:hover {\n    color: var(--link-hover-color);\n}\n"


@pytest.mark.parametrize("filename, text, expected", [
    ("css/base.css", ADMIN_CSS, "CssLexer"),
    ("js/theme.js", "const label = `${name} (${count})`;\n", "JavascriptLexer"),  # Genshi's ${ }
    ("moment/offset.js", "return local(config).utcOffset();\n", "JavascriptLexer"),  # Lasso's local(
    ("feed.xml", "<?xml version='1.0'?>\n<feed><title>${x}</title></feed>\n", "XmlLexer"),
    ("App.js", "return <div style={{color: 'red'}}>{{a: 1}.a}</div>;\n", "JavascriptLexer"),  # JSX, not {{ x }}
    ("help.js", "/**\n * @param {{ error?: boolean }} options\n */\n", "JavascriptLexer"),  # a JSDoc type
])
def test_a_template_language_that_may_use_a_name_needs_its_delimiters(filename, text, expected):
    lexer_class, answer = detection.detected(text, filename, content=False)
    assert lexer_class.__name__ == expected and answer["method"] == "filename"


@pytest.mark.parametrize("filename, text, expected", [
    ("templates/page.html", "{% extends 'base.html' %}\n{% block body %}<p>{{ x }}</p>{% endblock %}\n",
     "HtmlDjangoLexer"),
    ("views/templates/i18n_catalog.js", "{% autoescape off %}\nconst x = {{ catalog_str }};\n{% endautoescape %}\n",
     "JavascriptDjangoLexer"),
    ("sitemap.xml", "<?xml version='1.0'?>\n<urlset>{% for url in urlset %}<loc>{{ url.location }}</loc>"
     "{% endfor %}</urlset>\n", "XmlDjangoLexer"),
    ("page.html", "<html><body><?php echo $title; ?></body></html>\n", "HtmlPhpLexer"),
    ("page.html", "<html><body>\n<a href=\"{{ url_for('index') }}\">{{ _('Home') }}</a>\n<p>{{ user['name'] }}</p>\n"
     "</body></html>\n", "HtmlDjangoLexer"),  # Jinja's expressions, no {% at all
])
def test_a_template_with_its_delimiters_is_still_coloured_as_the_template(filename, text, expected):
    lexer_class, answer = detection.detected(text, filename, content=False)
    assert lexer_class.__name__ == expected and answer["method"] == "filename+content"


EVERY_DELIMITER = "{% x %} <% x %> py:if=\"x\" <?php x ?> {$x} $begin{x} <?lasso x ?> #set($x = 1)\n"


def test_when_every_claimant_is_weighed_the_choice_is_pygments_own():
    """Where the delimiters rule leaves no claimant out, the choice is guess_lexer_for_filename's."""
    compared = 0
    for filename in ("a.html", "a.css", "a.js", "a.xml", "a.php", "a.tpl", "a.inc", "a.h", "a.pl"):
        for text in [text for _, text in NAMES_AND_TEXTS] + [EVERY_DELIMITER, ADMIN_CSS + EVERY_DELIMITER]:
            view = detect.pygments_view(text)
            if all(primary or detection.holds_delimiters(lexer, view) for lexer, primary in detection._claimants(filename)):
                settled = detection.settle_by_content(filename, text, detection.find_lexer_class_for_filename(filename))
                assert settled is type(guess_lexer_for_filename(filename, view)), (filename, text)
                compared += 1
    assert compared >= 30  # the names with no template claimant for every text, the rest for two


def test_a_perl_module_is_perl_even_when_its_analyser_finds_no_sign():
    """``*.pm`` is Promela's too, and Pygments breaks the tie by priority (Promela's 0.1)."""
    module = "package JSON::PP::Boolean;\n\nuse strict;\noverload::import('overload', fallback => 1);\n1;\n"
    lexer_class, answer = detection.detected(module, "lib/JSON/PP/Boolean.pm", content=False)
    assert (lexer_class.name, answer["method"]) == ("Perl", "filename")
    assert type(guess_lexer_for_filename("Boolean.pm", module)).__name__ == "PromelaLexer"  # what it was
    raku = "use v6;\nunit module Foo;\nsub hello is export { say 42 }\n"
    lexer_class, answer = detection.detected(raku, "lib/Foo.pm", content=False)
    assert (lexer_class.__name__, answer["method"]) == ("Perl6Lexer", "filename+content")  # still settled


def test_lexers_equally_sure_of_a_text_are_told_apart_as_any_tie_always_the_same_way():
    """Pygments returns the first lexer sure of the text (1.0) in the order of a set: another process,
    another answer. Here a name's own lexer comes first, as in any tie."""
    page = "#!/usr/bin/env php\n<!DOCTYPE html>\n<html><?php echo 1; ?></html>\n"
    sure = [lexer for lexer, _ in detection._claimants("index.php") if lexer.analyse_text(page) == 1.0]
    assert len(sure) >= 2
    assert detection.detected(page, "index.php", content=False)[0].__name__ == "PhpLexer"
