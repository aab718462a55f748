"""Token colours from the highlighter service inside diff lines, and plain text whenever it fails."""

import pytest
from werkzeug.test import Client

from apps.diffviewer import rows, tokens
from apps.diffviewer.core import Line

OLD = "def f(x):\n    return 'old'\n"
NEW = "def f(x):\n    return 'new'  # note\n"


def diff_page(client, prefix="/diff", **fields):
    response = client.post(f"{prefix}/", data={"left": OLD, "right": NEW, **fields})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_file_name_brings_token_colours_from_the_co_mounted_highlighter(client):
    page = diff_page(client, left_name="f.py", right_name="f.py")
    assert 'class="diff unified highlighted"' in page
    assert '<span class="t-k">def</span> <span class="t-nf">f</span>' in page


def test_token_colours_and_word_marks_nest_at_token_boundaries(client):
    page = diff_page(client, lexer="python")
    assert "<span class=\"t-s1\">'</span><del><span class=\"t-s1\">old</span></del><span class=\"t-s1\">'</span>" in page
    assert '<ins>  <span class="t-c1"># note</span></ins>' in page


def test_side_by_side_is_coloured_too(client):
    page = diff_page(client, lexer="python", view="side-by-side")
    assert '<td class="code delete">    <span class="t-k">return</span>' in page


def test_without_a_lexer_or_file_name_the_highlighter_is_not_asked(make_app, fake_highlighter):
    page = diff_page(Client(make_app()), prefix="")
    assert "highlighted" not in page and "t-k" not in page
    assert fake_highlighter.highlights == 0  # only the form's language menu was asked for (/api/lexers)
    assert {path for path, _, _ in fake_highlighter.requests} <= {"/api/lexers", "/api/styles"}


def test_an_unknown_lexer_renders_plain(client):
    page = diff_page(client, lexer="no-such-language")
    assert "highlighted" not in page and "<del>old</del>" in page


def test_a_closed_highlighter_port_renders_plain(standalone, monkeypatch):
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")
    page = diff_page(standalone, prefix="", lexer="python")
    assert "highlighted" not in page
    assert "<del>old</del>" in page and "<ins>new</ins>" in page


def test_no_highlighter_at_all_renders_plain(standalone, monkeypatch):
    monkeypatch.delenv("HIGHLIGHTER_URL", raising=False)
    assert "<del>old</del>" in diff_page(standalone, prefix="", lexer="python")


def test_the_classes_request_follows_the_highlighter_contract(make_app, fake_highlighter):
    Client(make_app()).post("/", data={"left": OLD, "right": NEW, "left_name": "f.py"})
    assert fake_highlighter.fields == [{"code": OLD, "format": "classes", "filename": "f.py"},
                                       {"code": NEW, "format": "classes", "filename": "f.py"}]


def test_colours_come_from_the_classes_the_highlighter_names(make_app, fake_highlighter):
    """The fake highlighter has no Pygments: the classes on the page are the ones it sent."""
    page = diff_page(Client(make_app()), prefix="", left_name="f.py")
    assert '<span class="t-k">def</span> <span class="t-nf">f</span>(x):' in page
    assert '<ins>  <span class="t-c1"># note</span></ins>' in page


def test_a_token_is_wrapped_only_in_the_classes_the_stylesheet_colours():
    assert tokens.prefixed("k k-Custom") == "t-k"  # a lexer's own type keeps its parent's colour
    assert tokens.prefixed("s2") == "t-s2" and tokens.prefixed("kc") == "t-kc"
    assert tokens.prefixed("n") == tokens.prefixed("w") == tokens.prefixed("") == ""
    assert {"k", "s", "c", "gd", "gi"} <= tokens.COLOURED


def test_a_slow_highlighter_is_given_up_on_quickly(make_app, fake_highlighter):
    fake_highlighter.delay = 30  # held until the test ends
    page = diff_page(Client(make_app(DIFF_HIGHLIGHT_TIMEOUT=0.3)), prefix="", lexer="python")
    assert "<del>old</del>" in page and "highlighted" not in page
    assert fake_highlighter.highlights == 1, "one timeout, not one per side"


@pytest.mark.parametrize(
    "answer",
    [
        (500, {"error": {"code": "internal_error", "message": "oops"}}),
        (400, {"error": {"code": "unknown_lexer", "message": "no"}}),
        (200, {"output": "a string", "format": "html", "lexer": {"name": "Python", "alias": "python"},
               "style": "default", "guessed": False}),
        (200, {"output": [[["k", "wrong text"]], []], "format": "classes",
               "lexer": {"name": "Python", "alias": "python"}, "style": "default", "guessed": False}),
    ],
)
def test_an_answer_without_usable_colours_renders_plain(make_app, fake_highlighter, answer):
    fake_highlighter.answer = answer
    page = diff_page(Client(make_app()), prefix="", lexer="python")
    assert "<del>old</del>" in page and "<ins>new</ins>" in page
    assert "wrong text" not in page


@pytest.mark.parametrize(
    "raw",
    [
        (200, b"not json"),
        (200, b"[1, 2]"),
        (200, b'{"output": [[["k"]]]}'),
        (200, b'{"output": [[[1, 2]], []]}'),
        (200, b'{"output": [[["\\"><script>", "def f(x):"]], [["", "    return \'old\'"]]]}'),
    ],
)
def test_an_answer_off_the_contract_renders_plain(make_app, fake_highlighter, raw):
    fake_highlighter.raw = raw
    page = diff_page(Client(make_app()), prefix="", lexer="python")
    assert "<del>old</del>" in page and "<ins>new</ins>" in page
    assert "<script>" not in page


def test_texts_over_the_highlight_limit_are_not_sent(make_app, fake_highlighter):
    diff_page(Client(make_app(DIFF_HIGHLIGHT_MAX_BYTES=10)), prefix="", lexer="python")
    assert fake_highlighter.highlights == 0  # the form's language menu may be asked for, no text is


def test_segments_are_split_at_token_boundaries():
    line = Line("add", None, 1, "ab cd", segments=[("equal", "a"), ("insert", "b c"), ("equal", "d")])
    html = rows.code_html(line, [("t-k", "ab"), ("", " "), ("t-s", "cd")])
    assert html == '<span class="t-k">a</span><ins><span class="t-k">b</span> <span class="t-s">c</span></ins><span class="t-s">d</span>'


def test_tokens_that_do_not_cover_the_text_fall_back_to_plain():
    line = Line("add", None, 1, "a<b", segments=[("insert", "a<b")])
    assert rows.code_html(line, [("t-k", "a")]) == "<ins>a&lt;b</ins>"


def test_the_no_newline_marker_survives_colouring():
    line = Line("add", None, 1, "x", no_newline_at_end=True)
    assert rows.code_html(line, [("t-n", "x")]).endswith('<span class="eof" title="No newline at end of file"></span>')

