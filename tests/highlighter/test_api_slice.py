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
