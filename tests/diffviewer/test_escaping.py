"""HTML and JavaScript in anything a visitor gives is shown as text, never run or rendered."""

import re

import pytest

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
    "</td></tr></table><b>bold</b>",
    "javascript:alert(1)",
    "&lt;already escaped&gt; &amp;",
]


def scripts(page):
    """``<script>`` tags on a page other than the site's site.js, which every page loads in ``<head>``."""
    return page.count("<script") - page.count('<script src="/_site/site.js"></script>')


def markup_tags(page):
    """Every tag name in the page: a payload that became markup would add one."""
    return set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page))


SAFE_TAGS = {"html", "head", "meta", "link", "title", "body", "header", "a", "nav", "main", "h1", "span", "div", "p",
             "button", "table", "colgroup", "col", "tbody", "tr", "td", "ins", "del", "details", "summary", "form", "fieldset", "legend",
             "label", "input", "textarea", "select", "option", "script"}


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("view", ["unified", "side-by-side"])
def test_payloads_in_texts_and_names_are_text_in_the_diff_page(client, payload, view):
    page = client.post("/diff/", data={
        "left": f"same\n{payload} old\n", "right": f"same\n{payload} new\n",
        "left_name": payload, "right_name": payload + ".py", "lexer": payload[:100], "view": view,
    }).get_data(as_text=True)
    assert markup_tags(page) <= SAFE_TAGS
    assert scripts(page) == 1  # ours: the static diffviewer.js
    assert "<img" not in page and "<svg" not in page and "<b>" not in page
    assert 'href="javascript:' not in page
    if "<" in payload:
        assert payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_word_marks_stay_text(client, payload):
    page = client.post("/diff/", data={"left": "x\n", "right": f"x {payload}\n"}).get_data(as_text=True)
    assert markup_tags(page) <= SAFE_TAGS and scripts(page) == 1


def test_payloads_in_errors_are_text(client):
    page = client.post("/diff/", data={"left": "a", "right": "b", "view": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert scripts(page) == 1


def test_payloads_in_hunk_headers_are_text(client):
    """git puts the nearest "function" line in the hunk header: user text outside the rows."""
    left = "<script>alert(1)</script> def f():\n" + "".join(f"  {i}\n" for i in range(20))
    right = left.replace("  15\n", "  fifteen\n")
    page = client.post("/diff/", data={"left": left, "right": right, "context": "1"}).get_data(as_text=True)
    assert scripts(page) == 1 and "&lt;script&gt;alert(1)&lt;/script&gt; def f():" in page


def test_payloads_in_the_api_are_plain_json_strings(client):
    response = client.post("/diff/api/diff", json={"left": "<script>\n", "right": "</script>\n"})
    assert response.mimetype == "application/json"
    assert response.json["hunks"][0]["lines"][0]["text"] == "<script>"


def test_patches_are_never_sniffed_as_html(client):
    response = client.post("/diff/api/diff.patch", json={"left": "<html>\n", "right": "<script>alert(1)</script>\n"})
    assert response.mimetype == "text/x-diff"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
