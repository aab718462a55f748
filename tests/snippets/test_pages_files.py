"""The pages of a snippet with several files and revisions (issue 13): the page of the latest
revision and of revision n, the history, the owner's edit page, the .zip download, the fork."""

import io
import re
import zipfile

import pytest

from apps.snippets.models import Revision, Snippet
from tests.snippets.conftest import csrf_token, path_of

pytestmark = pytest.mark.django_db

APP = "def main():\n    return 1\n\n\nprint(main())\n"
UTIL = "X = 1\r\nY = 'ü'\r\n"  # CRLF and non-ASCII: kept byte for byte
FORM_UTIL = UTIL.replace("\r\n", "\n")  # a textarea's lines come as CRLF whatever they were: the form stores LF
README = "# Title\n\nSome *emphasis* and a [link](https://example.org).\n"


@pytest.fixture
def paste_files(client):
    """Create a snippet of several files through the API; returns its JSON."""

    def create(*files, **fields):
        body = {"files": [{"filename": name, "content": content} for name, content in files], **fields}
        response = client.post("/api/snippets", json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    return create


@pytest.fixture
def owned(client):
    """Create a snippet of several files through the form, so that this client's session owns it;
    returns its id."""

    def create(*files, title=""):
        fields = {"csrfmiddlewaretoken": csrf_token(client), "files": str(len(files)), "title": title}
        for number, (name, content) in enumerate(files, start=1):
            prefix = "" if number == 1 else f"file{number}-"
            fields.update({f"{prefix}filename": name, f"{prefix}content": content})
        response = client.post("/", data=fields)
        assert response.status_code == 302, response.get_data(as_text=True)
        return path_of(response.headers["Location"]).rsplit("/", 1)[-1]

    return create


def edit_fields(client, snippet_id, *files):
    fields = {"csrfmiddlewaretoken": csrf_token(client, f"/s/{snippet_id}/edit"), "files": str(len(files))}
    for number, (name, content) in enumerate(files, start=1):
        prefix = "" if number == 1 else f"file{number}-"
        fields.update({f"{prefix}filename": name, f"{prefix}content": content, f"{prefix}lexer": "auto"})
    return fields


def page_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_the_page_shows_every_file_under_its_heading_with_its_own_line_anchors(client, paste_files):
    snippet = paste_files(("app.py", APP), ("util.py", UTIL), title="two files")
    page = page_of(client, f"/s/{snippet['id']}")
    for name, lines in (("app.py", 5), ("util.py", 2)):
        assert f'<a id="{name}" href="#{name}" class="file-name">{name}</a>' in page
        assert f'<a id="{name}-L{lines}" href="#{name}-L{lines}">{lines}</a>' in page
        assert f'<span id="{name}-L-{lines}">' in page
        assert f'href="/s/{snippet["id"]}/raw/{name}"' in page
        assert f'data-copy-target="{name}-code"' in page
    assert 'id="L1"' not in page  # no anchor without its file's name on a page of several files
    assert 'href="#util.py-L3"' not in page
    assert "2 files" in page and "Python" in page


def test_a_one_file_page_keeps_its_anchors_and_links(client, paste):
    snippet = paste("a = 1\nb = 2\n", filename="a.py")
    page = page_of(client, f"/s/{snippet['id']}")
    assert '<a id="L2" href="#L2">2</a>' in page and '<span id="L-2">' in page
    assert f'href="/s/{snippet["id"]}/raw"' in page and f'href="/s/{snippet["id"]}/download"' in page
    assert "revision 1 of 1" not in page and "history" not in page  # nothing to show until an edit


def test_file_names_with_spaces_and_markup_make_safe_anchors(client, paste_files):
    snippet = paste_files(('my "notes".txt', "one\n"), ("<b>.txt", "two\n"))
    page = page_of(client, f"/s/{snippet['id']}")
    assert 'id="my-&quot;notes&quot;.txt-L1"' in page
    assert 'id="&lt;b&gt;.txt-L1"' in page and "<b>.txt" not in page


def test_revision_n_shows_the_same_files_after_later_edits(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    first = page_of(client, f"/s/{snippet_id}/1")
    raw_before = client.get(f"/s/{snippet_id}/1/raw/util.py").get_data()
    response = client.post(f"/s/{snippet_id}/edit", data=edit_fields(client, snippet_id, ("app.py", "changed\n")))
    assert response.status_code == 302
    assert client.get(f"/s/{snippet_id}/1/raw/util.py").get_data() == raw_before == FORM_UTIL.encode()
    again = page_of(client, f"/s/{snippet_id}/1")
    code = re.compile(r'<div id="[^"]*-code" class="pane-code"[^>]*>.*?</div></div></div>', re.S)
    assert code.findall(again) == code.findall(first) and len(code.findall(first)) == 2
    assert "revision 1 of 2" in again and "See the latest revision" in again
    latest = page_of(client, f"/s/{snippet_id}")
    assert "changed" in latest and "util.py" not in latest and "revision 2 of 2" in latest
    assert client.get(f"/s/{snippet_id}/3").status_code == 404


def test_the_history_lists_revisions_with_dates_files_and_a_compare_link_to_the_one_before(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    client.post(f"/s/{snippet_id}/edit", data=edit_fields(client, snippet_id, ("app.py", APP), ("new.py", "n = 1\n")))
    page = page_of(client, f"/s/{snippet_id}/history")
    assert f'href="/s/{snippet_id}/1">Revision 1</a>' in page
    assert f'href="/s/{snippet_id}/2">Revision 2</a> (latest)' in page
    assert f'href="/s/{snippet_id}/compare/1..2"' in page
    assert "/compare/0..1" not in page
    assert f'href="/s/{snippet_id}/1/raw/util.py">util.py</a>' in page
    assert f'href="/s/{snippet_id}/2/raw/new.py">new.py</a>' in page
    assert len(re.findall(r"<time datetime=", page)) == 2
    assert f'href="/s/{snippet_id}/history"' in page_of(client, f"/s/{snippet_id}")


def test_the_owner_edits_renames_adds_and_removes_files_as_a_new_revision(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    edit = page_of(client, f"/s/{snippet_id}/edit")
    assert 'name="filename" value="app.py"' in edit and 'name="file2-filename" value="util.py"' in edit
    fields = edit_fields(client, snippet_id, ("main.py", APP), ("util.py", UTIL), ("extra.txt", "more\n"))
    fields["file2-remove"] = "on"
    response = client.post(f"/s/{snippet_id}/edit", data=fields)
    assert response.status_code == 302 and path_of(response.headers["Location"]) == f"/s/{snippet_id}"
    latest = Revision.objects.get(snippet_id=snippet_id, number=2)
    assert [(f.filename, f.content) for f in latest.files.order_by("position")] == [
        ("main.py", APP), ("extra.txt", "more\n")]
    assert "Saved as revision 2." in page_of(client, f"/s/{snippet_id}")


def test_an_edit_that_changes_nothing_makes_no_revision_and_says_so(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    response = client.post(f"/s/{snippet_id}/edit", data=edit_fields(client, snippet_id, ("app.py", APP), ("util.py", UTIL)))
    assert response.status_code == 302
    assert Revision.objects.filter(snippet_id=snippet_id).count() == 1
    assert "Nothing changed, so no new revision was made." in page_of(client, f"/s/{snippet_id}")


def test_add_another_file_shows_the_form_again_with_one_more_block_and_saves_nothing(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    fields = {**edit_fields(client, snippet_id, ("app.py", "typed\n"), ("util.py", UTIL)), "add": "1"}
    response = client.post(f"/s/{snippet_id}/edit", data=fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="files" value="3"' in page and 'name="file3-filename"' in page
    assert "typed" in page  # what was typed is kept
    assert Revision.objects.filter(snippet_id=snippet_id).count() == 1


def test_an_edit_with_two_files_of_one_name_is_refused_and_nothing_is_stored(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    response = client.post(f"/s/{snippet_id}/edit", data=edit_fields(client, snippet_id, ("a.py", "1\n"), ("a.py", "2\n")))
    assert response.status_code == 400
    assert "Two files are named" in response.get_data(as_text=True)
    assert Revision.objects.filter(snippet_id=snippet_id).count() == 1


def test_the_edit_form_has_no_more_blocks_than_the_file_limit(client, owned, settings):
    settings.SNIPPET_MAX_FILES = 2
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    fields = {**edit_fields(client, snippet_id, ("app.py", APP), ("util.py", UTIL)), "add": "1", "files": "999"}
    page = client.post(f"/s/{snippet_id}/edit", data=fields).get_data(as_text=True)
    assert 'name="files" value="2"' in page and "Add another file" not in page


def test_someone_else_cannot_edit(client, paste_files):
    snippet = paste_files(("app.py", APP), ("util.py", UTIL))  # created by the API: no session owns it
    assert client.get(f"/s/{snippet['id']}/edit").status_code == 403
    response = client.post(f"/s/{snippet['id']}/edit",
                           data={"csrfmiddlewaretoken": csrf_token(client), "files": "1", "content": "mine now\n"})
    assert response.status_code == 403
    assert Revision.objects.filter(snippet_id=snippet["id"]).count() == 1


def test_an_edit_sent_by_another_site_is_refused(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    response = client.post(f"/s/{snippet_id}/edit", data=edit_fields(client, snippet_id, ("app.py", "evil\n")),
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert Revision.objects.filter(snippet_id=snippet_id).count() == 1


def test_several_files_download_as_a_zip_of_their_exact_bytes(client, paste_files):
    snippet = paste_files(("app.py", APP), ("util.py", UTIL), ("ünï.txt", "é\r\n"), title="My Files!")
    response = client.get(f"/s/{snippet['id']}/download")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert 'filename="my-files.zip"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert archive.namelist() == ["app.py", "util.py", "ünï.txt"]
        assert archive.read("util.py") == UTIL.encode()
        assert archive.read("ünï.txt") == "é\r\n".encode()
        assert archive.testzip() is None


def test_revision_n_downloads_its_own_files(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    client.post(f"/s/{snippet_id}/edit", data=edit_fields(client, snippet_id, ("app.py", "new\n")))
    old = client.get(f"/s/{snippet_id}/1/download")
    assert f'filename="{snippet_id}-1.zip"' in old.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(old.get_data())) as archive:
        assert archive.read("app.py") == APP.encode() and archive.read("util.py") == FORM_UTIL.encode()
    one = client.get(f"/s/{snippet_id}/2/download")  # now one file: the file itself, as always
    assert one.get_data() == b"new\n"
    assert 'attachment; filename="app.py"' == one.headers["Content-Disposition"]
    assert client.get(f"/s/{snippet_id}/9/download").status_code == 404


def test_a_fork_starts_from_every_file_of_the_revision_it_was_opened_from(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL), title="original")
    client.post(f"/s/{snippet_id}/edit", data=edit_fields(client, snippet_id, ("app.py", "v2\n")))
    form = page_of(client, f"/s/{snippet_id}/fork?revision=1")
    assert 'name="files" value="2"' in form and 'value="util.py"' in form and "(revision 1)" in form
    fields = {"csrfmiddlewaretoken": csrf_token(client, f"/s/{snippet_id}/fork?revision=1"), "files": "2",
              "title": "forked", "filename": "app.py", "content": APP, "file2-filename": "util.py",
              "file2-content": UTIL}
    response = client.post(f"/s/{snippet_id}/fork", data=fields)
    assert response.status_code == 302
    child = Snippet.objects.get(title="forked")
    assert child.parent_id == snippet_id
    files = Revision.objects.get(snippet=child, number=1).files.order_by("position")
    assert [(f.filename, f.content) for f in files] == [("app.py", APP), ("util.py", FORM_UTIL)]
    assert f'href="/s/{snippet_id}/fork?revision=1"' in page_of(client, f"/s/{snippet_id}/1")


def test_markdown_is_shown_rendered_with_a_link_to_its_source(client, paste_files):
    snippet = paste_files(("README.md", README), ("app.py", APP))
    page = page_of(client, f"/s/{snippet['id']}")
    assert "<em>emphasis</em>" in page and 'rel="nofollow noopener"' in page
    assert f'href="/s/{snippet["id"]}?source=README.md#README.md" class="show-source"' in page
    source = page_of(client, f"/s/{snippet['id']}?source=README.md")
    assert "<em>emphasis</em>" not in source and 'id="README.md-L3"' in source
    assert f'href="/s/{snippet["id"]}#README.md" class="show-rendered"' in source


def test_a_page_with_markdown_shows_https_images_and_only_it(client, paste_files):
    with_markdown = paste_files(("README.md", "![logo](https://img.example/logo.png)\n"), ("app.py", APP))
    response = client.get(f"/s/{with_markdown['id']}")
    assert '<img src="https://img.example/logo.png" alt="logo"' in response.get_data(as_text=True)
    assert "img-src 'self' data: https:;" in response.headers["Content-Security-Policy"]
    plain = paste_files(("app.py", APP), ("util.py", UTIL))
    assert "img-src 'self' data:;" in client.get(f"/s/{plain['id']}").headers["Content-Security-Policy"]


def test_the_page_is_kept_and_an_edit_shows_at_once(client, owned):
    snippet_id = owned(("app.py", APP), ("util.py", UTIL))
    visitor = type(client)(client.application)  # no session: the page goes into the page cache
    assert page_of(visitor, f"/s/{snippet_id}") == page_of(visitor, f"/s/{snippet_id}")
    client.post(f"/s/{snippet_id}/edit", data=edit_fields(client, snippet_id, ("app.py", "edited\n")))
    assert "edited" in page_of(visitor, f"/s/{snippet_id}")


def test_a_page_too_big_to_keep_is_streamed_with_the_same_anchors(client, paste_files, monkeypatch):
    from django.apps import apps

    snippet = paste_files(("app.py", APP), ("util.py", UTIL))
    whole = page_of(client, f"/s/{snippet['id']}")
    apps.get_app_config("snippets").pages.clear()
    monkeypatch.setattr(apps.get_app_config("snippets").pages, "max_item_bytes", 100)
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200 and "Content-Length" not in response.headers  # streamed
    streamed = response.get_data(as_text=True)
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", streamed) == token.sub("", whole)
    assert 'id="util.py-L4"' not in streamed and '<span id="util.py-L-2">' in streamed


def test_a_burn_after_reading_snippet_of_several_files_is_shown_once(client, paste_files, reveal):
    snippet = paste_files(("app.py", APP), ("util.py", UTIL), burn=True)
    page = reveal(snippet["id"]).get_data(as_text=True)
    assert "you are its one reader" in page
    assert '<span id="util.py-L-2">' in page and "raw/util.py" not in page
    assert client.get(f"/s/{snippet['id']}").status_code == 404
    assert reveal(snippet["id"], page="/").status_code == 404


def test_a_burn_after_reading_zip_is_its_one_reading(client, paste_files):
    snippet = paste_files(("app.py", APP), ("util.py", UTIL), burn=True)
    assert client.head(f"/s/{snippet['id']}/download").status_code == 200  # a HEAD burns nothing
    assert client.get(f"/s/{snippet['id']}/download").status_code == 409  # a GET burns nothing either
    response = client.post(f"/s/{snippet['id']}/download")
    assert response.headers["Cache-Control"] == "no-store, private"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert archive.read("util.py") == UTIL.encode()
    assert client.post(f"/s/{snippet['id']}/download").status_code == 404


def test_compare_with_parent_is_offered_only_between_one_file_snippets(client, post_form, paste_files, paste):
    several = paste_files(("app.py", APP), ("util.py", UTIL))
    post_form(f"/s/{several['id']}/fork", content="one file\n", title="from several")
    one = paste("x = 1\n")
    post_form(f"/s/{one['id']}/fork", content="x = 2\n", title="from one")
    assert "compare with parent" not in page_of(client, f"/s/{Snippet.objects.get(title='from several').pk}")
    child = Snippet.objects.get(title="from one").pk
    assert "compare with parent" in page_of(client, f"/s/{child}")
    assert "compare with parent" not in page_of(client, f"/s/{child}/1")  # the link compares the latest


def test_a_forks_kept_page_drops_compare_with_parent_once_the_parent_has_several_files(client, paste_files):
    parent = paste_files(("app.py", APP))
    fields = {"csrfmiddlewaretoken": csrf_token(client, f"/s/{parent['id']}/fork"), "content": "changed\n",
              "filename": "app.py", "title": "forked"}
    assert client.post(f"/s/{parent['id']}/fork", data=fields).status_code == 302
    child = Snippet.objects.get(title="forked").pk
    reader = type(client)(client.application)  # no session: the page is kept for them
    assert "compare with parent" in page_of(reader, f"/s/{child}")
    assert "compare with parent" in page_of(reader, f"/s/{child}")  # the kept page
    body = {"files": [{"filename": "app.py", "content": APP}, {"filename": "util.py", "content": UTIL}]}
    edited = client.put(f"/api/snippets/{parent['id']}", json=body,
                        headers={"Authorization": f"Token {parent['delete_token']}"})
    assert edited.status_code == 201
    assert "compare with parent" not in page_of(reader, f"/s/{child}")
