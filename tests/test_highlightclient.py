"""The highlighter's consumers, held to its published contract (``GET /api/openapi.json``).

``apps.highlightclient`` is run against the real highlighter and against the fake one (no
Pygments), each wrapped in ``tests.contract.Checked``: every request the client makes and
every answer it reads is checked against the document, and the client must get the same
kind of result from both. Then what the client does when the highlighter fails it: no
answer, a slow one, an endless one, one off the contract.
"""

import ast
import json
from pathlib import Path

import httpx
import pytest

from apps import highlightclient
from apps.highlighter.http import VERSION
from tests.contract import Checked, check_answer, check_request
from tests.fakehighlighter import FakeHighlighter

ROOT = Path(__file__).resolve().parent.parent
CODE = "def f(x):\n    return 'x'  # note\n\n"


@pytest.fixture(scope="module")
def real_highlighter():
    from apps.highlighter import create_app

    return create_app({"ALLOWED_HOSTS": ["highlighter.test"]})


@pytest.fixture(params=["real", "fake"])
def highlighter(request):
    """(client, checked): the client onto one highlighter, every exchange checked."""
    app = request.getfixturevalue("real_highlighter") if request.param == "real" else FakeHighlighter()
    checked = Checked(app)
    with httpx.Client(transport=httpx.WSGITransport(app=checked), base_url="http://highlighter.test") as client:
        yield client, checked
    assert checked.violations == []
    assert checked.exchanges, "nothing was asked"


def test_html_with_css_classes_and_the_lexer_that_made_it(highlighter):
    client, _ = highlighter
    result = highlightclient.highlight_html(client, CODE, lexer="python", options={"linespans": "L"})
    assert (result.lexer_name, result.lexer_alias) == ("Python", "python")
    assert '<span id="L-1">' in result.html and '<span class="k">def</span>' in result.html


def test_a_file_name_chooses_the_lexer_and_guessing_is_asked_for(highlighter):
    client, _ = highlighter
    assert highlightclient.highlight_html(client, CODE, filename="f.py", guess=True).lexer_name == "Python"
    assert highlightclient.highlight_html(client, "plain words\n", guess=True).lexer_alias


def test_a_detected_lexer_comes_with_the_rule_that_decided_and_how_sure(highlighter):
    """What the snippet page needs to say "Python (detected)"."""
    client, _ = highlighter
    by_name = highlightclient.highlight_html(client, CODE, filename="f.py")
    assert (by_name.lexer_alias, by_name.detection.rule, by_name.detection.confidence) == ("python", "filename", 1.0)
    by_content = highlightclient.highlight_html(client, CODE * 3, guess=True)
    assert by_content.lexer_alias == "python" and by_content.detection.rule == "model"
    assert 0.5 < by_content.detection.confidence <= 1
    best = by_content.detection.candidates[0]
    assert (best.alias, best.name, best.score) == ("python", "Python", by_content.detection.confidence)
    plain = highlightclient.highlight_html(client, "Dear all, the meeting moves to noon.\n", guess=True)
    assert (plain.lexer_alias, plain.detection.rule) == ("text", "fallback")


def test_a_named_lexer_has_no_detection(highlighter):
    client, _ = highlighter
    assert highlightclient.highlight_html(client, CODE, lexer="python", guess=True).detection is None


@pytest.mark.parametrize("detection", [
    None, "model", {"rule": "magic", "confidence": 1}, {"rule": "model", "confidence": 2},
    {"rule": "model", "confidence": True},
])
def test_a_missing_or_malformed_detection_is_none(detection):
    assert highlightclient.detection(detection) is None


def test_malformed_candidates_are_left_out():
    found = highlightclient.detection({"rule": "model", "confidence": 0.8, "candidates": [
        {"lexer": "python", "name": "Python", "score": 0.8}, {"lexer": "go", "score": 0.1}, "ruby"]})
    assert found == highlightclient.Detection("model", 0.8, (highlightclient.Candidate("python", "Python", 0.8),))


def test_no_store_is_asked_for_and_answered(highlighter):
    client, checked = highlighter
    highlightclient.highlight_html(client, CODE, lexer="python", no_store=True)
    _, _, sent, status, answer = checked.exchanges[-1]
    assert sent["Cache-Control"] == "no-store" and (status, answer["Cache-Control"]) == (200, "no-store")


def test_token_classes_spell_each_line_and_name_css_classes(highlighter):
    client, _ = highlighter
    lines = highlightclient.token_classes(client, CODE, lexer="python")
    assert len(lines) == 3 and lines[2] == []
    assert ["".join(text for _, text in line) for line in lines] == CODE.split("\n")[:3]
    assert lines[0][0] == ("k", "def")
    assert ("c1", "# note") in lines[1]


def test_a_crlf_text_is_spelled_without_its_cr(highlighter):
    client, _ = highlighter
    lines = highlightclient.token_classes(client, "a = 1\r\nb\r\n", lexer="python")
    assert ["".join(text for _, text in line) for line in lines] == ["a = 1", "b"]


def test_a_batch_gives_each_text_its_token_lines_or_its_own_refusal(highlighter):
    client, _ = highlighter
    items = [(CODE, "python", None), ("x = 1\n", "no-such-lexer", None), ("a = 1\r\nb\r\n", None, "a.py")]
    first, refused, crlf = highlightclient.token_runs_batch(client, items)
    spelled = [["".join(text for _, text in line) for line in lines]
               for lines in (first, highlightclient.token_classes(client, CODE, lexer="python"))]
    assert spelled[0] == spelled[1]  # the same lines, neighbouring tokens of one class joined
    assert isinstance(refused, highlightclient.Refused) and refused.code == "unknown_lexer"
    assert ["".join(text for _, text in line) for line in crlf] == ["a = 1", "b"]
    assert first[0][0] == ("k", "def")


def test_a_batch_names_runs_as_the_caller_asks_and_joins_neighbours_named_alike(highlighter):
    client, _ = highlighter
    keywords = highlightclient.token_runs_batch(client, [(CODE, "python", None)],
                                                naming=lambda name: "kw" if name == "k" else "")
    for line in keywords[0]:  # neighbours named alike are one pair
        assert all(left[0] != right[0] for left, right in zip(line, line[1:]))
    assert keywords[0][0] == [("kw", "def"), ("", CODE.split("\n")[0][3:])]


def test_runs_that_do_not_cover_a_line_leave_it_plain():
    names = ["k", ""]
    assert highlightclient.runs_line([0, 3, 1, 2], "def f", names) == [("k", "def"), ("", " f")]
    assert highlightclient.runs_line([0, 3, 1, 3], "def f", names) is None  # too long
    assert highlightclient.runs_line([0, 3], "def f", names) is None  # too short
    assert highlightclient.runs_line([0, 3, 1], "def", names) is None  # odd
    assert highlightclient.runs_line([2, 3], "def", names) is None  # no such classes
    assert highlightclient.runs_line([0, -1, 0, 4], "def", names) is None
    assert highlightclient.runs_line([0, "3"], "def", names) is None
    assert highlightclient.runs_line("03", "def", names) is None
    assert highlightclient.runs_line([0, 1.5, 1, 1.5], "def", names) is None  # lengths that add up, not whole
    assert highlightclient.runs_line([0, 3.0], "def", names) is None
    assert highlightclient.runs_line([], "", names) == []


def test_the_catalog_and_its_version(highlighter, request):
    client, _ = highlighter
    offered = highlightclient.catalog(client)
    assert "Python" in {entry["name"] for entry in offered.lexers}
    assert {"default", "monokai"} <= set(offered.styles)
    assert offered.version == (VERSION if "real" in request.node.callspec.id else "fake-1")


def test_a_documented_refusal_is_told_with_its_code(highlighter):
    client, _ = highlighter
    with pytest.raises(highlightclient.Refused) as refused:
        highlightclient.highlight_html(client, "x", lexer="no-such-language")
    assert (refused.value.status, refused.value.code) == (400, "unknown_lexer")
    assert refused.value.message


def test_a_closed_port_is_unavailable():
    with httpx.Client(base_url="http://127.0.0.1:9", timeout=2) as client, \
            pytest.raises(highlightclient.Unavailable) as unavailable:
        highlightclient.catalog(client)
    assert not unavailable.value.timed_out


def test_a_slow_answer_is_unavailable_and_timed_out(fake_highlighter):
    fake_highlighter.delay = 30  # held until the test ends
    with httpx.Client(base_url=_url(), timeout=0.2) as client, \
            pytest.raises(highlightclient.Unavailable) as unavailable:
        highlightclient.highlight_html(client, CODE, lexer="python")
    assert unavailable.value.timed_out


def test_an_answer_that_is_not_json_is_unavailable(fake_highlighter):
    fake_highlighter.raw = (200, b"<html>proxy error</html>")
    with httpx.Client(base_url=_url()) as client, pytest.raises(highlightclient.Unavailable):
        highlightclient.highlight_html(client, CODE, lexer="python")


@pytest.mark.parametrize("declared", [True, False])
def test_an_answer_over_the_limit_is_abandoned_while_it_is_read(declared):
    """An endless answer: reading stops a chunk past the limit (a declared length at once)."""
    sent = []

    def endless(environ, start_response):
        headers = [("Content-Type", "application/json")] + ([("Content-Length", str(1 << 40))] if declared else [])
        start_response("200 OK", headers)
        while True:
            sent.append(1)
            yield b"[" * 65536

    with httpx.Client(transport=httpx.WSGITransport(app=endless), base_url="http://h") as client, \
            pytest.raises(highlightclient.Refused) as refused:
        highlightclient.highlight_html(client, CODE, max_bytes=1 << 20)
    assert refused.value.code == "output_too_large"
    assert len(sent) <= (1 if declared else 17)


@pytest.mark.parametrize("pairs", [
    [["k", "def"], ["w", " f(x):"]],
    [["k", "def f(x):"]],
])
def test_a_line_is_kept_only_when_its_tokens_spell_it(pairs):
    assert highlightclient.checked_line(pairs, "def f(x):") == [tuple(p) for p in pairs]
    assert highlightclient.checked_line(pairs, "def g(x):") is None


@pytest.mark.parametrize("classes", ['"><script>', "k\tx", "k  kc", " k", "a.b"])
def test_classes_that_are_not_plain_class_names_are_refused(classes):
    assert highlightclient.checked_line([[classes, "x"]], "x") is None


@pytest.mark.django_db
def test_every_request_the_paste_site_makes_carries_the_page_s_request_id(client, fake_highlighter):
    client.post("/api/snippets", json={"content": "x = 1\n", "lexer": "python"},
                headers={"X-Request-ID": "contract-1234"})  # checks the lexer, renders ahead
    sent = {path: headers.get("X-Request-ID") for path, _, headers in fake_highlighter.requests}
    assert sent == {"/api/lexers": "contract-1234", "/api/styles": "contract-1234", "/api/highlight": "contract-1234"}


def test_the_checker_would_catch_a_request_or_an_answer_off_the_document():
    """Guard against a contract check that cannot fail."""
    assert check_request("POST", "/api/highlight", {"Content-Type": "application/json"}, b'{"code": 1}')
    assert check_request("POST", "/api/highlight", {"Content-Type": "application/json"}, b'{"code": "x", "lang": "c"}')
    assert check_request("GET", "/_health", {}, b"")
    lexers = json.dumps([{"name": "Python", "aliases": [], "filenames": [], "mimetypes": []}]).encode()
    assert check_answer("GET", "/api/lexers", 200, {"Content-Type": "application/json"}, lexers)  # no version
    assert not check_answer("GET", "/api/lexers", 200, {"Content-Type": "application/json",
                                                        "X-Highlighter-Version": "1"}, lexers)
    assert check_answer("POST", "/api/highlight", 500, {"Content-Type": "application/json"},
                        b'{"error": {"code": "internal", "message": "x"}}')


def imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_the_client_imports_no_framework_and_no_app():
    found = set(imports(ROOT / "apps" / "highlightclient.py"))
    assert found == {"json", "re", "threading", "time", "dataclasses", "httpx"}


def test_the_fake_highlighter_is_written_without_pygments_or_the_highlighter_s_code():
    found = set(imports(ROOT / "tests" / "fakehighlighter.py"))
    assert not {name for name in found if name.startswith(("pygments", "apps.highlighter"))}, found


def _url():
    import os

    return os.environ["HIGHLIGHTER_URL"]


@pytest.mark.django_db
def test_the_site_works_against_a_highlighter_written_without_pygments(client, fake_highlighter):
    """The paste site's page and the diff viewer's colours, from the fake: the document is enough."""
    created = client.post("/api/snippets", json={"content": CODE, "filename": "f.py"}).get_json()
    page = client.get(f"/s/{created['id']}").get_data(as_text=True)
    assert '<span class="k">def</span>' in page and "showing plain text" not in page
    assert "Python" in page
    diff = client.post("/diff/", data={"left": CODE, "right": CODE.replace("'x'", "'y'"), "left_name": "f.py"})
    assert '<span class="t-k">return</span>' in diff.get_data(as_text=True)
    assert {path for path, _, _ in fake_highlighter.requests} == {"/api/lexers", "/api/styles", "/api/highlight"}


def test_what_the_highlighter_answered_is_remembered_for_its_ttl_and_kept_while_it_does_not_answer():
    asked = []

    def answering(value):
        return lambda: asked.append(value) or value

    remembered = highlightclient.Remembered("nothing yet")
    assert remembered.get("http://h", answering(None), ttl=3600, retry=3600) == "nothing yet"
    assert remembered.get("http://h", answering("lexers"), ttl=3600, retry=3600) == "nothing yet"  # not asked again yet
    assert asked == [None]
    remembered.forget()
    assert remembered.get("http://h", answering("lexers"), ttl=0, retry=0) == "lexers"
    assert remembered.get("http://h", answering(None), ttl=0, retry=3600) == "lexers"  # the last answer is kept
    assert remembered.get("http://h", answering("newer"), ttl=0, retry=0) == "lexers"  # within the retry
    assert remembered.get("http://other", answering("theirs"), ttl=3600, retry=0) == "theirs"  # per highlighter
    assert sorted(remembered.values()) == ["lexers", "theirs"]
    assert asked == [None, "lexers", None, "theirs"]
