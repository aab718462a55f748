"""Format ``classes``: the token stream named by the CSS classes the html format writes.

A client colours it with the same stylesheet as the html (``/styles/{style}.css``), so the
classes must be exactly HtmlFormatter's; its private ``_get_css_classes`` is the oracle here.
"""

import re
from html import unescape

import pygments
import pytest
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES, Token

from apps.highlighter.core import HighlightRequest, highlight
from apps.highlighter.core.render import css_classes

CUSTOM = [Token.Keyword.Custom, Token.Keyword.Custom.Deeper, Token.Literal.String.Odd]


@pytest.mark.parametrize("token_type", sorted(STANDARD_TYPES, key=str) + CUSTOM, ids=str)
def test_a_token_gets_the_classes_html_gives_it(token_type):
    assert css_classes(token_type) == HtmlFormatter()._get_css_classes(token_type)


def test_a_made_up_type_right_under_token_gets_none():
    assert css_classes(Token.MadeUp) == ""  # HtmlFormatter would write the odd "-MadeUp"


def test_the_classes_are_those_of_the_html_output_character_by_character():
    code = "def f(x):\n    return 'x'  # note\n\n"
    result = highlight(HighlightRequest.from_fields({"code": code, "lexer": "python", "format": "classes"}))
    assert result["format"] == "classes"
    ours = [(css, char) for line in result["output"] for css, text in line for char in text]
    html = pygments.highlight(code, PythonLexer(stripnl=False), HtmlFormatter(nowrap=True))
    pieces = re.findall(r'<span class="([^"]+)">([^<]*)</span>|([^<]+)', html)
    theirs = [(css, char) for css, text, plain in pieces for char in unescape(text or plain) if char != "\n"]
    assert ours == theirs
    assert ["".join(text for _, text in line) for line in result["output"]] == code.split("\n")[:3]
