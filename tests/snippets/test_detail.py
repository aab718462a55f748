"""The snippet page ``/s/<id>``, its raw text and its download."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.snippets.models import Snippet
from tests.snippets.conftest import path_of

pytestmark = pytest.mark.django_db


def test_line_numbers_are_links_to_line_anchors(client, paste):
    snippet = paste("a = 1\nb = 2\nc = 3\n", lexer="python")
    page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    for n in (1, 2, 3):
        assert f'<a id="L{n}" href="#L{n}">{n}</a>' in page
        assert f'<span id="L-{n}">' in page
    assert 'id="L4"' not in page
    assert "snippets/snippets.js" in page


def test_blank_lines_at_the_edges_keep_their_numbers(client, paste):
    snippet = paste("\n\nx = 1\n\n", lexer="python")
    page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert 'href="#L4"' in page and 'href="#L5"' not in page
    assert re.search(r'<span id="L-3">.*x', page)


def test_the_page_shows_title_language_size_dates_and_links(client, paste):
    snippet = paste("x = 1\n", title="My title", filename="m.py", expires="1d")
    page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert "<h1>My title</h1>" in page
    assert "Python" in page and "6\xa0bytes" in page and "expires" in page and "created" in page
    for action in ("raw", "download", "fork", "delete"):
        assert f'href="/s/{snippet["id"]}/{action}"' in page
    assert "compare with parent" not in page


def test_the_revision_tree_shows_parent_and_children_and_compare_opens_the_diff_viewer(client, post_form, paste):
    parent = paste("one\n", title="parent")
    post_form(f"/s/{parent['id']}/fork", content="two\n", title="child")
    child = Snippet.objects.get(title="child")
    child_page = client.get(f"/s/{child.pk}").get_data(as_text=True)
    assert f'Parent: <a href="/s/{parent["id"]}">parent</a>' in child_page
    compare = f'/diff/compare?left=%2Fs%2F{parent["id"]}%2Fraw&amp;right=%2Fs%2F{child.pk}%2Fraw'
    assert f'href="{compare}' in child_page
    parent_page = client.get(f"/s/{parent['id']}").get_data(as_text=True)
    assert f'<a href="/s/{child.pk}">child</a>' in parent_page


def test_the_diff_viewer_can_fetch_both_raw_urls_of_the_compare_link(client, post_form, paste):
    parent = paste("one\ntwo\n")
    post_form(f"/s/{parent['id']}/fork", content="one\nthree\n", title="child")
    child = Snippet.objects.get(title="child")
    page = client.get(f"/s/{child.pk}").get_data(as_text=True)
    compare = re.search(r'href="(/diff/compare\?[^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.get(compare)
    assert response.status_code == 200
    assert "three" in response.get_data(as_text=True)


def test_compare_passes_the_snippets_language_and_file_names_to_the_diff_viewer(client, post_form, paste):
    """A raw URL says nothing of its language: the link does, so the diff is coloured too."""
    parent = paste("def f():\n    return 1\n", filename="f.py", lexer="python")
    post_form(f"/s/{parent['id']}/fork", content="def f():\n    return 2\n", filename="f.py", lexer="python", title="child")
    child = Snippet.objects.get(title="child")
    page = client.get(f"/s/{child.pk}").get_data(as_text=True)
    compare = re.search(r'href="(/diff/compare\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "lexer=python" in compare and "left_name=f.py" in compare
    diff = client.get(compare).get_data(as_text=True)
    assert "highlighted" in diff
    assert "<del" in diff and "<ins" in diff


def test_a_picked_style_is_used_and_remembered_in_a_cookie(client, paste, fake_highlighter):
    snippet = paste("x = 1\n")
    response = client.get(f"/s/{snippet['id']}?style=monokai")
    assert response.status_code == 200
    assert "snippets_style=monokai" in response.headers["Set-Cookie"]
    page = response.get_data(as_text=True)
    assert f'href="{fake_highlighter_url()}/styles/monokai.css?selector=.highlight"' in page
    assert "<option selected>monokai</option>" in page
    later = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert "/styles/monokai.css" in later


def fake_highlighter_url():
    import os

    return os.environ["HIGHLIGHTER_URL"]


def test_an_unknown_style_falls_back_to_the_default(client, paste, fake_highlighter):
    snippet = paste("x = 1\n")
    response = client.get(f"/s/{snippet['id']}?style=nope")
    assert "Set-Cookie" not in response.headers or "snippets_style" not in response.headers["Set-Cookie"]
    assert "/styles/default.css" in response.get_data(as_text=True)


def test_co_mounted_the_style_sheet_comes_from_the_highlighters_mount(client, paste):
    snippet = paste("x = 1\n")
    page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert 'href="/highlight/styles/default.css?selector=.highlight"' in page


def test_raw_and_download_serve_the_exact_text_safely(client, paste):
    text = "<script>alert(1)</script>\r\nü\n"
    snippet = paste(text, filename='../evil"\r\nname.html')
    raw = client.get(f"/s/{snippet['id']}/raw")
    assert raw.get_data() == text.encode()
    assert raw.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert raw.headers["X-Content-Type-Options"] == "nosniff"
    download = client.get(f"/s/{snippet['id']}/download")
    assert download.get_data() == text.encode()
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition.split("''")[-1]
    assert "evil" in disposition


def test_download_without_a_file_name_uses_the_id(client, paste):
    snippet = paste("x\n", lexer="text")
    assert client.get(f"/s/{snippet['id']}/download").headers["Content-Disposition"] == (
        f'attachment; filename="{snippet["id"]}.txt"'
    )


@pytest.mark.parametrize(("lexer", "extension"), [("python", ".py"), ("javascript", ".js"), ("c", ".c"), ("text", ".txt")])
def test_a_file_without_a_name_is_saved_with_its_languages_extension(client, paste, lexer, extension):
    """A Python snippet without a file name downloads as <id>.py (the lexer's first file pattern), not <id>.txt;
    its raw text names the same file for "Save as"."""
    snippet = paste("x = 1\n", lexer=lexer)
    expected = f'filename="{snippet["id"]}{extension}"'
    assert client.get(f"/s/{snippet['id']}/download").headers["Content-Disposition"] == f"attachment; {expected}"
    assert client.get(f"/s/{snippet['id']}/raw").headers["Content-Disposition"] == f"inline; {expected}"
    assert client.get(f"/s/{snippet['id']}/1/download").headers["Content-Disposition"] == f"attachment; {expected}"


def test_a_detected_language_names_the_download_too(client, paste):
    snippet = paste("#!/usr/bin/env python3\nimport os\nprint(os.getcwd())\n")
    assert snippet["lexer"] == "python", snippet
    assert client.get(f"/s/{snippet['id']}/download").headers["Content-Disposition"] == (
        f'attachment; filename="{snippet["id"]}.py"')


def test_raw_answers_a_conditional_get_with_304(client, paste):
    snippet = paste("x\n")
    etag = client.get(f"/s/{snippet['id']}/raw").headers["ETag"]
    assert client.get(f"/s/{snippet['id']}/raw", headers={"If-None-Match": etag}).status_code == 304


def test_html_in_every_field_is_shown_as_text(client, paste, monkeypatch):
    evil = "<img src=x onerror=alert(1)>"
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")
    snippet = paste(f"<script>alert(1)</script>{evil}", title=evil, filename=evil, lexer=evil[:20])
    page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert "<img src=x" not in page and "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_500_kb_single_line_is_stored_and_shown(client, paste):
    line = "x" * 500_000
    snippet = paste(line)
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200
    assert 'href="#L2"' not in response.get_data(as_text=True)
    assert client.get(f"/s/{snippet['id']}/raw").get_data(as_text=True) == line


def test_a_cached_page_costs_one_query_and_no_highlighter_call(client, paste, fake_highlighter):
    snippet = paste("x = 1\n", lexer="python")
    client.get(f"/s/{snippet['id']}")
    calls = fake_highlighter.highlights
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200
    assert fake_highlighter.highlights == calls
    assert len(queries) == 1
    assert "Set-Cookie" not in response.headers  # no session, no CSRF cookie for readers


def test_the_creator_sees_the_delete_token_once(client, post_form):
    location = post_form(content="x\n").headers["Location"]
    first = client.get(location).get_data(as_text=True)
    token = re.search(r"Your delete token.*?<code>([^<]+)</code>", first).group(1)
    assert Snippet.objects.get().accepts_delete_token(token)
    assert "Your delete token" not in client.get(location).get_data(as_text=True)


def test_after_deleting_the_paste_form_says_so_in_the_message_box_under_its_heading(client, post_form):
    location = post_form(content="x\n").headers["Location"]
    client.get(location)  # the creator's page: the token is in the session
    deleted = post_form(f"{location}/delete")
    assert deleted.status_code == 302 and not Snippet.objects.exists()
    page = client.get(deleted.headers["Location"]).get_data(as_text=True)
    heading = page.index("<h1>New snippet</h1>")
    box = page.index('<ul class="messages" role="status"><li class="success">The snippet was deleted.</li></ul>')
    assert heading < box < page.index("<form")


def test_my_snippets_lists_what_this_visitor_created(client, post_form, site):
    post_form(content="mine\n", title="Mine")
    page = client.get("/mine").get_data(as_text=True)
    assert "Mine" in page
    from werkzeug.test import Client

    assert "Mine" not in Client(site).get("/mine").get_data(as_text=True)


def test_the_api_url_of_a_page_is_absolute_from_the_request(client, paste):
    snippet = paste("x\n")
    assert snippet["url"] == f"http://localhost/s/{snippet['id']}"
    assert path_of(snippet["raw_url"]) == f"/s/{snippet['id']}/raw"
