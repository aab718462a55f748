"""POST /api/highlight/batch: many highlights in one worker job, each item's answer or error in
its place, the batch bounded as one highlight of all its code."""

import json

from apps.highlighter import core
from apps.highlighter.core import batch
from tests.payloads import SLOW_SCALA_FIELDS

PY = "def f(x):\n    return x\n"


def test_each_item_gets_what_a_single_highlight_gives(api):
    items = [{"code": PY, "filename": "a.py", "format": "classes"},
             {"code": "msgid \"x\"\nmsgstr \"y\"\n", "filename": "django.po", "format": "classes"},
             {"code": "<b>x</b>\n", "lexer": "html"}]
    response = api.post("/api/highlight/batch", json={"items": items})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    results = response.json["results"]
    assert len(results) == 3
    for item, result in zip(items, results):
        single = api.post("/api/highlight", json=item).json
        assert result == single


def test_an_item_that_cannot_be_highlighted_gets_its_error_in_its_place(api):
    items = [{"code": PY, "lexer": "no-such-lexer"}, {"code": PY, "lexer": "python", "format": "classes"},
             {"code": PY, "options": {"linenos": "sideways"}}, {"lexer": "python"}]
    results = api.post("/api/highlight/batch", json={"items": items}).json["results"]
    assert results[0]["error"]["code"] == "unknown_lexer"
    assert results[1]["lexer"]["name"] == "Python"
    assert results[2]["error"]["code"] == "invalid_option"
    assert results[3]["error"]["code"] == "bad_request"


def test_a_batch_is_refused_whole_when_it_is_not_a_list_too_long_or_too_large(app_with):
    api = app_with(HIGHLIGHT_MAX_BYTES=1000)
    for body, code in [({"code": PY}, "bad_request"), ({"items": []}, "bad_request"),
                       ({"items": [{"code": "x"}], "extra": 1}, "bad_request"),
                       ({"items": [{"code": "x"}] * (batch.MAX_ITEMS + 1)}, "too_large"),
                       ({"items": [{"code": "x" * 600}, {"code": "y" * 600}]}, "too_large")]:
        response = api.post("/api/highlight/batch", json=body)
        assert response.json["error"]["code"] == code, body
        assert response.status_code == (413 if code == "too_large" else 400)
    assert api.post("/api/highlight/batch", data={"items": "x"}).json["error"]["code"] == "bad_request"


def test_the_output_limit_is_shared_by_the_items_in_order():
    fields = {"code": "x = 1\n" * 200, "lexer": "python"}
    one = len(json.dumps(core.highlight(core.HighlightRequest.from_fields(fields))["output"]).encode())
    items, _ = batch.checked_items({"items": [fields] * 3}, output_budget=core.OutputBudget())
    results = batch.highlight_all(items, output_limit=one * 3 // 2)  # room for one and a half
    assert "output" in results[0]
    assert [result["error"]["code"] for result in results[1:]] == ["output_too_large"] * 2


def test_a_hostile_batch_is_killed_at_the_budget_like_one_job(app_with):
    api = app_with(HIGHLIGHT_TIMEOUT=1.0)
    response = api.post("/api/highlight/batch", json={"items": [{"code": PY, "lexer": "python"}, SLOW_SCALA_FIELDS]})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "timeout"
    assert api.post("/api/highlight/batch", json={"items": [{"code": PY, "lexer": "python"}]}).status_code == 200
