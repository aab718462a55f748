"""render.highlight: Pygments' own output for every format, and the tokens contract."""

import html

import pygments
import pytest
from hypothesis import given, settings, strategies as st
from pygments.formatters import HtmlFormatter, Terminal256Formatter
from pygments.lexers import get_lexer_by_name

from apps.highlighter.core import HighlightRequest, highlight, list_formatters

SAMPLES = {
    "python": '\n\nimport os\n\n\ndef f(x):\n\t"""Doc\n    string."""\n\treturn x  # done\n\n',
    "c": "#include <stdio.h>\nint main(void) {\n    printf(\"hi\\n\");\n}\n",
    "html": "<!doctype html>\n<p class='a'>Hello <b>world</b></p>\n<script>let a = 1;</script>",
    "javascript": "const f = (a) => `t ${a}`;\r\nconsole.log(f(1));\r\n",
}
LEXER_OPTIONS = {"stripnl", "stripall", "tabsize", "startinline"}


def run(code, **fields):
    return highlight(HighlightRequest.from_fields({"code": code, **fields}))


def pygments_html(code, alias, options, style="default"):
    lexer_options = {k: v for k, v in options.items() if k in LEXER_OPTIONS}
    formatter_options = {k: v for k, v in options.items() if k not in LEXER_OPTIONS}
    return pygments.highlight(code, get_lexer_by_name(alias, **lexer_options),
                              HtmlFormatter(style=style, **formatter_options))


@pytest.mark.parametrize("alias, options, style", [
    ("python", {}, "default"),
    ("python", {"linenos": "table", "hl_lines": [2, 6], "linenostart": 10}, "default"),
    ("python", {"linenos": "inline", "linenostep": 2, "anchorlinenos": True,
                "lineanchors": "L"}, "default"),
    ("python", {"nowrap": True}, "default"),
    ("python", {"linespans": "line", "wrapcode": True}, "default"),
    ("python", {"full": True, "title": "query.py"}, "monokai"),
    ("python", {"tabsize": 4, "stripall": True}, "default"),
    ("python", {"stripnl": False}, "default"),
    ("c", {"cssclass": "code", "classprefix": "pg-"}, "default"),
    ("html", {"noclasses": True}, "monokai"),
    ("javascript", {"noclasses": True, "linenos": "table"}, "solarized-dark"),
], ids=str)
def test_html_is_byte_identical_to_pygments(alias, options, style):
    code = SAMPLES[alias]
    result = run(code, lexer=alias, style=style, options=options)
    assert result["output"] == pygments_html(code, alias, options, style)


def test_the_title_is_html_escaped_because_pygments_does_not_escape_it():
    title = "<script>alert(1)</script>"
    output = run("x", options={"full": True, "title": title})["output"]
    assert "<script>alert" not in output and "&lt;script&gt;alert(1)" in output
    assert output == pygments_html("x", "text", {"full": True, "title": html.escape(title)})


def test_the_result_says_what_was_used():
    assert run("x = 1", lexer="py", style="monokai") == {
        "output": pygments_html("x = 1", "python", {}, "monokai"),
        "format": "html",
        "lexer": {"name": "Python", "alias": "python"},
        "style": "monokai",
        "guessed": False,
        "method": "lexer",
    }


def test_ansi_is_pygments_terminal256_in_the_chosen_style():
    code = SAMPLES["python"]
    expected = pygments.highlight(code, get_lexer_by_name("python"),
                                  Terminal256Formatter(style="monokai"))
    assert run(code, lexer="python", format="ansi", style="monokai")["output"] == expected


@pytest.mark.parametrize("name", [f["name"] for f in list_formatters()])
def test_every_offered_format_renders_text(name):
    output = run(SAMPLES["python"], lexer="python", format=name)["output"]
    assert isinstance(output, list if name in ("tokens", "classes") else dict if name == "runs" else str) and output


def test_runs_are_the_classes_stream_joined_and_without_its_texts():
    """Each line's runs slice the code into what format classes gives, neighbours of the same
    classes joined; the classes are listed once."""
    code = SAMPLES["python"] + 'x = """a\n\nb"""  \n'
    runs = run(code, lexer="python", format="runs")["output"]
    classes = run(code, lexer="python", format="classes")["output"]
    assert len(set(runs["classes"])) == len(runs["classes"])
    assert len(runs["lines"]) == len(classes) == code.count("\n")
    for line, expected, text in zip(runs["lines"], classes, code.split("\n")):
        joined_pairs = []
        for name, piece in expected:
            if joined_pairs and joined_pairs[-1][0] == name:
                joined_pairs[-1][1] += piece
            else:
                joined_pairs.append([name, piece])
        at, sliced = 0, []
        for number, length in zip(line[::2], line[1::2]):
            sliced.append([runs["classes"][number], text[at:at + length]])
            at += length
        assert sliced == joined_pairs and at == len(text)
    assert runs["lines"][-2] == []  # the blank line inside the string


# The tokens format


def tokens(code, **fields):
    return run(code, format="tokens", **fields)["output"]


def joined(lines):
    return "".join("".join(text for _, text in line) + "\n" for line in lines)


def test_tokens_line_i_is_line_i_of_the_input():
    """Leading and trailing blank lines are kept (Pygments' default stripnl is not used)."""
    code = SAMPLES["python"]
    lines = tokens(code, lexer="python")
    assert len(lines) == code.count("\n")
    assert lines[0] == [] and lines[1] == [] and lines[-1] == []
    assert ["Token.Keyword.Namespace", "import"] in lines[2]
    assert ["Token.Keyword", "def"] in lines[5]


def test_tokens_rejoin_to_the_input():
    code = SAMPLES["python"]
    assert joined(tokens(code, lexer="python")) == code


def test_a_token_spanning_lines_is_split_and_keeps_its_type():
    """The text lexer emits all of "a\n\nb\n" as one Token.Text."""
    assert tokens("a\n\nb\n", lexer="text") == [
        [["Token.Text", "a"]],
        [],
        [["Token.Text", "b"]],
    ]
    assert tokens("/* a\n b */\n", lexer="c") == [
        [["Token.Comment.Multiline", "/* a"]],
        [["Token.Comment.Multiline", " b */"]],
    ]


def test_tokens_texts_hold_no_newline_and_are_never_empty():
    for line in tokens(SAMPLES["html"] + "\n\n\n", lexer="html"):
        for token_type, text in line:
            assert text and "\n" not in text and token_type.startswith("Token")


def test_tokens_of_code_without_a_final_newline_end_like_pygments_ensures():
    assert joined(tokens("a\nb", lexer="text")) == "a\nb\n"
    assert tokens("", lexer="text") == [[]]


def test_tokens_see_crlf_as_one_line_break():
    assert joined(tokens(SAMPLES["javascript"], lexer="js")) == SAMPLES["javascript"].replace(
        "\r\n", "\n")


def test_tokens_follow_lexer_options_the_caller_sets():
    assert tokens("\n\nx\n\n", lexer="text", options={"stripnl": True}) == [
        [["Token.Text", "x"]]]
    assert joined(tokens("\tx\n", lexer="text", options={"tabsize": 4})) == "    x\n"


@settings(max_examples=150, deadline=None)
@given(code=st.text(), alias=st.sampled_from(["python", "c", "html", "text"]))
def test_tokens_contract_holds_for_any_text(code, alias):
    """Rejoined lines are the lexed text: newlines unified, BOM gone, final newline ensured."""
    lexed = code.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    lexed += "" if lexed.endswith("\n") else "\n"
    lines = tokens(code, lexer=alias)
    assert joined(lines) == lexed
    assert len(lines) == lexed.count("\n")
