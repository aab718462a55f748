"""The highlighter's first slice, through the composite at /highlight."""

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

CODE = "def hello(name):\n    return f'Hello, {name}!'\n"


def test_highlight_returns_exactly_what_pygments_returns(client):
    response = client.post("/highlight/api/highlight", json={"code": CODE, "lexer": "python"})
    assert response.status_code == 200
    assert response.json["output"] == highlight(CODE, PythonLexer(), HtmlFormatter())
    assert response.json["lexer"] == {"name": "Python", "alias": "python"}


def test_an_unknown_lexer_is_a_400_with_a_json_error(client):
    response = client.post("/highlight/api/highlight", json={"code": CODE, "lexer": "no-such-lexer"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "unknown_lexer"
    assert "no-such-lexer" in response.json["error"]["message"]


def test_a_repeat_request_does_not_tell_the_public_it_was_cached(client):
    """``X-Cache`` would confirm to anyone that someone highlighted a given text (issue 9)."""
    body = {"code": "cache_me = 1\n", "lexer": "python", "style": "friendly"}
    first = client.post("/highlight/api/highlight", json=body)
    second = client.post("/highlight/api/highlight", json=body)
    assert "X-Cache" not in first.headers and "X-Cache" not in second.headers
    assert first.data == second.data
