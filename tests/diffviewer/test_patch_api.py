"""POST /api/patch: a patch as the body, JSON, a form field or an upload → its files as JSON."""

import json
from pathlib import Path

import pytest
from werkzeug.test import Client

from apps.diffviewer.core.patch import parse_patch

CORPUS = Path(__file__).parent / "patches"
SERIES = (CORPUS / "format-patch-series.mbox").read_text(encoding="utf-8")
SMALL = "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n keep\n-old word\n+new word\n"


def error_of(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.json["error"]["code"] == code
    return response.json["error"]["message"]


def send(client, how, text):
    if how == "body":
        return client.post("/diff/api/patch", data=text.encode(), content_type="text/x-diff")
    if how == "text/plain":
        return client.post("/diff/api/patch", data=text.encode(), content_type="text/plain; charset=utf-8")
    if how == "json":
        return client.post("/diff/api/patch", json={"patch": text})
    if how == "form":
        return client.post("/diff/api/patch", data={"patch": text})
    return client.post("/diff/api/patch", data={"patch": (__import__("io").BytesIO(text.encode()), "change.patch")},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("how", ["body", "text/plain", "json", "form", "upload"])
def test_every_way_of_sending_gives_the_same_files(client, how):
    response = send(client, how, SERIES)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    expected = parse_patch(SERIES)
    expected.mark_words()
    assert response.json == json.loads(expected.to_json())


def test_the_answer_has_files_hunks_lines_commits_and_totals(client):
    answer = send(client, "json", SERIES).json
    assert answer["totals"] == {"files": 9, "additions": 6, "deletions": 5}
    renamed = answer["files"][1]
    assert {key: renamed[key] for key in ("old_path", "new_path", "status", "similarity", "binary", "additions", "deletions")} == {
        "old_path": "calc.py", "new_path": "compute.py", "status": "renamed", "similarity": 98,
        "binary": False, "additions": 1, "deletions": 1,
    }
    changed = [line for line in renamed["hunks"][0]["lines"] if line["kind"] != "context"]
    assert changed[0]["segments"] == [["equal", "    return value * "], ["delete", "3"], ["equal", " + 9  # computed"]]
    mode = next(file for file in answer["files"] if file["new_path"] == "run.sh")
    assert (mode["old_mode"], mode["new_mode"], mode["hunks"]) == ("100644", "100755", [])
    assert answer["commits"][0]["author"] == "Ada Lovelace <a@b.c>"
    assert answer["only_in"] == []


def test_a_malformed_patch_is_400_naming_the_line(client):
    message = error_of(send(client, "body", SMALL.replace("+new word", "?new word")), 400, "malformed_patch")
    assert message.startswith("The patch is malformed at line 6: expected a line of the hunk that starts at line 3")


def test_text_without_changes_is_400_no_changes(client):
    message = error_of(send(client, "json", "just some words\n"), 400, "no_changes")
    assert message.startswith("No changes found")


@pytest.mark.parametrize("body, message", [
    ({"patch": 5}, "patch must be a string."),
    ({"text": "x"}, 'The body must be a JSON object with the patch: {"patch": "…"}.'),
    ({"patch": "x", "view": "unified"}, "Unknown field 'view'. Fields: patch."),
    ([1], 'The body must be a JSON object with the patch: {"patch": "…"}.'),
])
def test_wrong_json_is_400_bad_request(client, body, message):
    assert error_of(client.post("/diff/api/patch", json=body), 400, "bad_request") == message


def test_an_empty_patch_is_400_empty(client):
    error_of(send(client, "body", "  \n"), 400, "empty")


def test_bytes_that_are_not_utf8_are_400_invalid_utf8(client):
    response = client.post("/diff/api/patch", data=b"--- a\n+++ b\n\xff\n", content_type="text/x-diff")
    error_of(response, 400, "invalid_utf8")


def test_another_content_type_is_400_saying_what_to_send(client):
    response = client.post("/diff/api/patch", data=b"<x/>", content_type="application/xml")
    assert "text/x-diff" in error_of(response, 400, "bad_request")


def test_a_patch_over_diff_max_bytes_is_413(make_app):
    client = Client(make_app(DIFF_MAX_BYTES=1000))
    big = SMALL + "x" * 1000
    for how in ("body", "json", "form", "upload"):
        assert "the limit is 1,000 bytes" in error_of(send_prefixless(client, how, big), 413, "too_large")


def send_prefixless(client, how, text):
    class Unmounted:  # the standalone app answers at /, not /diff
        def post(self, path, **kwargs):
            return client.post(path.removeprefix("/diff"), **kwargs)
    return send(Unmounted(), how, text)


def test_get_is_405(client):
    response = client.get("/diff/api/patch")
    error_of(response, 405, "method_not_allowed")


def test_a_crlf_patch_keeps_its_carriage_returns_out_of_the_text(client):
    crlf = (CORPUS / "diff-u-crlf-patch-no-eol.diff").read_bytes()
    assert b"\r\n" in crlf
    answer = client.post("/diff/api/patch", data=crlf, content_type="text/x-diff").json
    lines = answer["files"][0]["hunks"][0]["lines"]
    assert [(line["kind"], line["text"], line["cr"]) for line in lines[:3]] == [
        ("context", "alpha", True), ("delete", "beta", True), ("add", "Beta", True),
    ]
    assert lines[-1]["no_newline_at_end"] is True
    assert answer["totals"] == {"files": 1, "additions": 2, "deletions": 1}
