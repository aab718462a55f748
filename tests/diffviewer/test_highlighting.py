"""Token colours from the highlighter service inside diff lines, and plain text whenever it fails."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
    assert "<span class=\"t-s\">'</span><del><span class=\"t-s\">old</span></del><span class=\"t-s\">'</span>" in page
    assert '<ins>  <span class="t-c"># note</span></ins>' in page


def test_side_by_side_is_coloured_too(client):
    page = diff_page(client, lexer="python", view="side-by-side")
    assert '<td class="code delete">    <span class="t-k">return</span>' in page


def test_without_a_lexer_or_file_name_the_highlighter_is_not_asked(client, monkeypatch):
    monkeypatch.setattr(tokens, "fetch_both", lambda *a, **k: pytest.fail("asked the highlighter"))
    page = diff_page(client)
    assert "highlighted" not in page and "t-k" not in page


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


@pytest.fixture
def fake_highlighter(monkeypatch):
    """A highlighter on loopback whose answer each test chooses: (delay, status, body)."""

    class Handler(BaseHTTPRequestHandler):
        answer = (0, 200, b"{}")
        calls = []

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            Handler.calls.append((self.path, body))
            delay, status, payload = Handler.answer
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    monkeypatch.setenv("HIGHLIGHTER_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield Handler
    server.shutdown()
    server.server_close()


def tokens_answer(*lines):
    return json.dumps({"output": [[list(pair) for pair in line] for line in lines], "format": "tokens"}).encode()


def test_the_tokens_request_follows_the_highlighter_contract(make_app, fake_highlighter):
    fake_highlighter.answer = (0, 200, tokens_answer([("Token.Keyword", "def")]))
    Client(make_app()).post("/", data={"left": OLD, "right": NEW, "left_name": "f.py"})
    assert [path for path, _ in fake_highlighter.calls] == ["/api/highlight", "/api/highlight"]
    assert fake_highlighter.calls[0][1] == {"code": OLD, "format": "tokens", "filename": "f.py"}
    assert fake_highlighter.calls[1][1] == {"code": NEW, "format": "tokens", "filename": "f.py"}


def test_a_slow_highlighter_is_given_up_on_quickly(make_app, fake_highlighter):
    fake_highlighter.answer = (3, 200, tokens_answer())
    client = Client(make_app(DIFF_HIGHLIGHT_TIMEOUT=0.3))
    started = time.monotonic()
    page = diff_page(client, prefix="", lexer="python")
    assert time.monotonic() - started < 1.5, "one timeout, not one per side"
    assert "<del>old</del>" in page and "highlighted" not in page
    assert len(fake_highlighter.calls) == 1


@pytest.mark.parametrize(
    "answer",
    [
        (0, 500, b'{"error": {"code": "internal"}}'),
        (0, 200, b"not json"),
        (0, 200, b"[1, 2]"),
        (0, 200, b'{"output": "a string"}'),
        (0, 200, b'{"output": [[["Token.Keyword"]]]}'),
        (0, 200, b'{"output": [[["Token.Text", "wrong text"]], []]}'),
        (0, 200, b'{"output": [[[1, 2]], []]}'),
    ],
)
def test_a_bad_answer_renders_plain(make_app, fake_highlighter, answer):
    fake_highlighter.answer = answer
    page = diff_page(Client(make_app()), prefix="", lexer="python")
    assert "<del>old</del>" in page and "<ins>new</ins>" in page
    assert "wrong text" not in page


def test_texts_over_the_highlight_limit_are_not_sent(make_app, fake_highlighter):
    diff_page(Client(make_app(DIFF_HIGHLIGHT_MAX_BYTES=10)), prefix="", lexer="python")
    assert fake_highlighter.calls == []


def test_a_line_whose_tokens_do_not_spell_it_alone_is_plain():
    checked = tokens.lines_of([[["Token.Keyword", "def"]], [["Token.Text", "x"]]], "def\ny\n")
    assert checked == [[("t-k", "def")], None]


def test_token_types_map_to_the_nearest_known_class():
    assert tokens.css_class("Token.Keyword.Constant") == "t-kc"
    assert tokens.css_class("Token.Keyword.Reserved") == "t-k"
    assert tokens.css_class("Token.Literal.String.Double") == "t-s"
    assert tokens.css_class("Token.Name") == "" and tokens.css_class("Token.Text.Whitespace") == ""
    assert tokens.css_class('"><script>') == ""


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

