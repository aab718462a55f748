"""Link previews (issue 15): a snippet page's Open Graph and Twitter card tags, what they say
and what they never say, escaped as any attribute is, bounded, and at the request's own origin."""

import html
import re

import pytest
from django.apps import apps

from apps.snippets import previews
from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db

META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def tags(page):
    """The page's <meta> tags by name, unescaped as a link-preview bot reads them."""
    return {name: html.unescape(value) for name, value in META.findall(page)}


def page_of(client, path, **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_snippet_page_says_its_title_language_first_lines_and_url(client, paste):
    made = paste("import os\n\n\ndef main():\n    return os.getcwd()\n", title="Where am I", filename="where.py")
    found = tags(page_of(client, f"/s/{made['id']}"))
    assert found["og:title"] == "Where am I"
    assert found["og:type"] == "article" and found["og:site_name"] == "composite"
    assert found["og:url"] == f"http://localhost/s/{made['id']}"
    assert found["og:description"] == "Python · import os def main(): return os.getcwd()"
    assert found["description"] == found["og:description"]
    assert found["twitter:card"] == "summary"
    assert f'<link rel="canonical" href="http://localhost/s/{made["id"]}">' in page_of(client, f"/s/{made['id']}")


def test_without_a_title_it_is_the_file_name_else_untitled(client, paste):
    named = paste("x = 1\n", filename="calc.py")
    assert tags(page_of(client, f"/s/{named['id']}"))["og:title"] == "calc.py"
    bare = paste("hello\n")
    assert tags(page_of(client, f"/s/{bare['id']}"))["og:title"] == "Untitled snippet"


def test_several_files_are_counted_and_named(client):
    files = [{"filename": name, "content": f"# {name}\n"} for name in ("a.py", "b.py", "c.py", "d.py")]
    made = client.post("/api/snippets", json={"files": files}).get_json()
    found = tags(page_of(client, f"/s/{made['id']}"))
    assert found["og:title"] == "a.py and 3 more files"
    assert found["og:description"] == "4 files: a.py, b.py, c.py, … · Python · # a.py"


def test_a_revision_page_names_its_revision_and_its_own_permanent_url(client, paste):
    made = paste("v = 1\n", filename="v.py")
    token = made["delete_token"]
    assert client.put(f"/api/snippets/{made['id']}", json={"content": "v = 2\n", "filename": "v.py"},
                      headers={"Authorization": f"Token {token}"}).status_code == 201
    first = tags(page_of(client, f"/s/{made['id']}/1?style=monokai"))
    assert first["og:url"] == f"http://localhost/s/{made['id']}/1"  # no query: the permanent URL
    assert first["og:title"] == "v.py (revision 1)" and first["og:description"] == "Python · v = 1"
    assert tags(page_of(client, f"/s/{made['id']}"))["og:description"] == "Python · v = 2"


HOSTILE_TITLE = '"><script>alert(1)</script><meta property="og:title" content="spoofed'
HOSTILE_TEXT = ('</title><script>alert("x")</script>" onload="alert(2)\n'
                "line\u202etwo\x1b[31m red\x07\u200b\r\n\tindented\u2028more\n")


def test_quotes_markup_and_control_characters_cannot_break_out_of_a_tag(client, paste):
    made = paste(HOSTILE_TEXT, title=HOSTILE_TITLE, lexer="text")
    page = page_of(client, f"/s/{made['id']}")
    head = page[:page.index("</head>")]
    assert "<script>alert" not in head and 'content="spoofed' not in head
    assert head.count('property="og:title"') == 1
    found = tags(page)
    assert found["og:title"] == HOSTILE_TITLE  # exactly the text, as text
    description = found["og:description"]
    assert description.startswith('Text only · </title><script>alert("x")</script>" onload="alert(2) line')
    assert "linetwo[31m red indented more" in description
    assert not any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in description)
    assert not set(description) & {"\u202e", "\u200b", "\u2028", "\n", "\t"}
    for name in ("og:title", "og:description", "og:url"):  # each value inside its own quotes
        assert re.search(rf'<meta (property|name)="{name}" content="[^"<>]*">', head)


def test_a_long_text_is_cut_to_a_bounded_description(client, paste):
    made = paste("word " * 50_000 + "\n" + "x = 1\n" * 1000, title="t" * 200)
    found = tags(page_of(client, f"/s/{made['id']}"))
    assert len(found["og:description"]) == previews.MAX_DESCRIPTION and found["og:description"].endswith("…")
    assert len(found["og:title"]) == previews.MAX_TITLE and found["og:title"].endswith("…")


def test_only_the_first_lines_are_said(client, paste):
    made = paste("".join(f"line{n}\n" for n in range(1, 50)), lexer="text")
    description = tags(page_of(client, f"/s/{made['id']}"))["og:description"]
    assert description == "Text only · line1 line2 line3 line4 line5"


def test_the_delete_token_is_never_in_the_tags(client, post_form):
    location = post_form(content="x = 1\n", title="mine").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    token = re.search(r"Your delete token.*?<code>([^<]+)</code>", page).group(1)
    head = page[:page.index("</head>")]
    assert token not in head and "og:description" in head


def test_the_url_is_the_origin_the_proxy_vouches_for_and_each_origin_has_its_own_cached_page(client, paste):
    """Behind a trusted proxy the page is at https://; a client that sends the same headers itself
    is not believed; and the page cache keeps apart the pages whose og:url differ."""
    made = paste("x = 1\n")
    path = f"/s/{made['id']}"
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.4"}
    proxied = tags(page_of(client, path, headers=forwarded, environ_base={"REMOTE_ADDR": "10.0.0.2"}))
    assert proxied["og:url"] == f"https://localhost{path}"
    public = tags(page_of(client, path, headers={**forwarded, "X-Forwarded-Host": "evil.example"},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"}))
    assert public["og:url"] == f"http://localhost{path}"
    assert tags(page_of(client, path, headers=forwarded, environ_base={"REMOTE_ADDR": "10.0.0.2"}))["og:url"] == (
        f"https://localhost{path}")


def test_spellings_of_one_host_make_one_page(client, paste):
    """A Host in capitals, with a final dot or the default port is the same origin: one og:url and
    one page in the cache, not one per spelling (a client could fill the cache with one snippet)."""
    made = paste("x = 1\n")
    path = f"/s/{made['id']}"
    pages = apps.get_app_config("snippets").pages
    pages.clear()
    for host in ("localhost", "LOCALHOST", "LocalHost.", "localhost:80", "LOCALHOST.:80"):
        assert tags(page_of(client, path, headers={"Host": host}))["og:url"] == f"http://localhost{path}"
    assert len([key for key in pages.keys() if key[0] == made["id"]]) == 1


@pytest.mark.parametrize("headers", [{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}])
def test_a_host_the_site_does_not_serve_gets_no_page_at_all(client, paste, headers):
    made = paste("x = 1\n")
    response = client.get(f"/s/{made['id']}", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.status_code == 400 and "og:url" not in response.get_data(as_text=True)


def test_a_cached_page_still_costs_one_query(client, paste):
    """The description's first lines are read on the page's first view only (its cached bytes keep them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = paste("x = 1\n")
    first = page_of(client, f"/s/{made['id']}")
    with CaptureQueriesContext(connection) as queries:
        assert page_of(client, f"/s/{made['id']}") == first
    assert len(queries) == 1


@pytest.mark.parametrize("state", ["expired", "removed"])
def test_a_gone_snippet_says_nothing_of_itself(client, paste, state):
    from django.utils import timezone

    made = paste("the old text\n", title="old title")
    fields = ({"expires_at": timezone.now() - timezone.timedelta(minutes=1)} if state == "expired"
              else {"removed_at": timezone.now(), "removed_reason": "spam"})
    Snippet.objects.filter(pk=made["id"]).update(**fields)
    page = client.get(f"/s/{made['id']}").get_data(as_text=True)
    assert "og:" not in page and "old title" not in page and "the old text" not in page


def test_plain_drops_control_and_format_characters_and_bounds_the_line():
    assert previews.plain("a\tb\r\n\u2028c\x00d\u202ee\u200bf\x85g", 100) == "a b cdef g"
    assert previews.plain("x" * 10, 5) == "xxxx…"
    assert previews.plain("ab   " + "c" * 10, 4) == "ab…"


def test_a_title_of_only_invisible_characters_is_no_title():
    """A zero-width space or a bidi override alone reads as nothing: the file's name is the title."""
    assert previews.title("\u200b", ["calc.py"]) == "calc.py"
    assert previews.title("\u202e ", ["calc.py"], revision=2) == "calc.py (revision 2)"
    assert previews.title("\u200b", ["\u200b"]) == "Untitled snippet"
