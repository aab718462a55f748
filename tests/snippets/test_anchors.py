"""Anchors and ids made from file names: any name gives a page (never a 500), every id on
the page is unique and escaped, and a name cannot take another file's or the page's ids."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps

from apps.snippets import anchors

pytestmark = pytest.mark.django_db

DIGIT_NAMES = ["2.py", "1.txt", "0_init.sh", "63tyle=position:fixed", '57nmouseover=alert(1)+"']


class Ids(HTMLParser):
    """Every element's id, and every attribute name, of a page."""

    def __init__(self, page):
        super().__init__()
        self.ids, self.attributes = [], set()
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            self.attributes.add(name)
            if name == "id":
                self.ids.append(value)


def paste_files(client, *names, burn=False):
    body = {"files": [{"filename": name, "content": f"line one of {index}\nline two\n"}
                      for index, name in enumerate(names)], "burn": burn}
    response = client.post("/api/snippets", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def page_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def assert_sound(page):
    parsed = Ids(page)
    assert len(parsed.ids) == len(set(parsed.ids)), [i for i in parsed.ids if parsed.ids.count(i) > 1]
    assert all(value and not re.search(r"\s", value) for value in parsed.ids)
    assert not parsed.attributes & {"style", "onmouseover", "tyle", "nmouseover"}


def test_anchors_of_names_starting_with_digits_are_the_names_escaped(client):
    snippet_id = paste_files(client, *DIGIT_NAMES, "b.py")
    for path in (f"/s/{snippet_id}", f"/s/{snippet_id}/1"):
        page = page_of(client, path)
        assert_sound(page)
        assert '<a id="2.py-L2" href="#2.py-L2">2</a>' in page and '<span id="0_init.sh-L-1">' in page
        assert 'id="63tyle=position:fixed-L1"' in page
        assert 'id="57nmouseover=alert(1)+&quot;-L1"' in page


def test_a_streamed_page_writes_the_same_anchors(client, monkeypatch):
    snippet_id = paste_files(client, *DIGIT_NAMES)
    monkeypatch.setattr(apps.get_app_config("snippets").pages, "max_item_bytes", 100)
    response = client.get(f"/s/{snippet_id}")
    assert response.status_code == 200 and "Content-Length" not in response.headers
    page = response.get_data(as_text=True)
    assert_sound(page)
    assert '<span id="1.txt-L-2">' in page and 'id="57nmouseover=alert(1)+&quot;-L2"' in page


def test_a_burn_snippet_named_with_digits_is_shown_once(client, reveal):
    snippet_id = paste_files(client, *DIGIT_NAMES, burn=True)
    shown = reveal(snippet_id)  # its page is the reveal step; the Reveal button shows it
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert_sound(page)
    assert '<span id="2.py-L-1">' in page
    assert client.get(f"/s/{snippet_id}").status_code == 404


def test_a_name_that_would_take_another_files_ids_is_named_by_its_position(client):
    """``code`` and ``L-1``: the names alone would give two ``code-L-1`` (or ``L-1-code``)."""
    snippet_id = paste_files(client, "code", "L-1", "x", "x-L-1", "x-code", "f9", "md-1-a", "a b", "a-b")
    page = page_of(client, f"/s/{snippet_id}")
    assert_sound(page)
    assert 'data-copy-target="f1-code"' in page and '<span id="f1-L-1">' in page  # "code": the page's own id
    assert 'data-copy-target="L-1-code"' in page  # ends with neither -L<n> nor -code
    assert 'data-copy-target="x-code"' in page and '<span id="x-L-1">' in page
    for position in (4, 5, 6, 7, 8, 9):  # x-L-1, x-code, f9, md-1-a, then the two that clash
        assert f'<span id="f{position}-L-1">' in page and f'data-copy-target="f{position}-code"' in page


def test_names_keep_a_file_name_when_it_cannot_collide():
    assert anchors.names(["app.py", "util.py"]) == ["app.py", "util.py"]
    assert anchors.names(["my notes.txt", "b"]) == ["my-notes.txt", "b"]
    assert anchors.names(["a-b-3", "a b", "a-b"]) == ["a-b-3", "f2", "f3"]
    assert anchors.names(["", "code", "embed-code", "id_lexer", "v-L2", "v-L-2"]) == [
        "f1", "f2", "f3", "f4", "f5", "f6"]


def test_prefixed_joins_the_prefix_as_text():
    html = '<a id="L1" href="#L1">1</a><span id="L-1">'
    assert anchors.prefixed(html, "12-") == '<a id="12-L1" href="#12-L1">1</a><span id="12-L-1">'
    assert anchors.prefixed(html, '\\g<0>"-') == (
        '<a id="\\g&lt;0&gt;&quot;-L1" href="#\\g&lt;0&gt;&quot;-L1">1</a><span id="\\g&lt;0&gt;&quot;-L-1">')
