"""Several files and revisions in the curl API (issue 13).

``POST /api/snippets`` with ``{"files": [...]}`` or ``curl -F file=@a.py -F file=@b.py``;
``GET /api/snippets/<id>`` lists the latest files and every revision; ``GET
/api/snippets/<id>/revisions/<n>``; ``PUT /api/snippets/<id>`` with the delete token makes the
next revision (201), or none when nothing changed (200). A revision's bytes never change.
"""

import io
import time

import pytest
from django.test import override_settings

from apps.snippets import takedown
from apps.snippets.models import File, Revision, Snippet
from tests.snippets.conftest import path_of

pytestmark = pytest.mark.django_db

A = "def hello():\r\n    return 'héllo'\r\n"  # CRLF and non-ASCII, kept byte for byte
B = "SELECT 1;"  # no final newline


def post_files(client, files, **fields):
    return client.post("/api/snippets", json={"files": files, **fields})


def put(client, made, token=None, **body):
    token = made["delete_token"] if token is None else token
    headers = {"Authorization": f"Token {token}"} if token else {}
    return client.put(f"/api/snippets/{made['id']}", json=body, headers=headers)


def uploads(*named):
    """Multipart ``file`` fields, as ``curl -F file=@name`` sends them."""
    return {"file": [(io.BytesIO(text.encode("utf-8")), name) for name, text in named]}


def raw(client, url):
    response = client.get(path_of(url))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


@pytest.fixture
def made(client):
    response = post_files(client, [{"filename": "hello.py", "content": A}, {"filename": "q.sql", "content": B}],
                          title="two files")
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# Creating


def test_a_json_list_of_files_is_one_snippet_at_revision_1(client, made):
    assert made["revision"] == 1
    assert path_of(made["revision_url"]) == f"/s/{made['id']}/1"
    assert [(f["filename"], f["size"]) for f in made["files"]] == [("hello.py", len(A.encode())), ("q.sql", 9)]
    assert made["files"][0]["lexer"] == "python" and "sql" in made["files"][1]["lexer"]  # each file's, by its name
    assert [f["lexer_source"] for f in made["files"]] == ["filename", "filename"]
    assert raw(client, made["files"][0]["raw_url"]) == A.encode("utf-8")
    assert raw(client, made["files"][1]["raw_url"]) == B.encode("utf-8")
    assert path_of(made["files"][1]["raw_url"]) == f"/s/{made['id']}/raw/q.sql"


def test_each_file_keeps_the_language_asked_for(client):
    response = post_files(client, [{"filename": "a.txt", "content": "x = 1\n", "lexer": "python"},
                                   {"filename": "b", "content": "plain\n", "lexer": "text"}])
    assert [(f["lexer"], f["lexer_source"]) for f in response.get_json()["files"]] == [
        ("python", "chosen"), ("text", "chosen")]


def test_curl_F_file_twice_makes_one_snippet_named_after_each_upload(client):
    response = client.post("/api/snippets", data=uploads(("a.py", "x = 1\n"), ("b.rb", "puts 1\n")),
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert [f["filename"] for f in body["files"]] == ["a.py", "b.rb"]
    assert [f["lexer"] for f in body["files"]] == ["python", "ruby"]
    assert raw(client, body["files"][1]["raw_url"]) == b"puts 1\n"


def test_the_old_one_file_answer_is_unchanged_and_gains_its_file(client):
    body = client.post("/api/snippets", json={"content": "x = 1\n", "filename": "calc.py"}).get_json()
    assert path_of(body["raw_url"]) == f"/s/{body['id']}/raw"
    assert [(f["filename"], f["lexer"]) for f in body["files"]] == [("calc.py", "python")]
    assert raw(client, body["files"][0]["raw_url"]) == raw(client, body["raw_url"]) == b"x = 1\n"


def test_a_file_without_a_name_is_fine_when_it_is_the_only_one(client):
    body = post_files(client, [{"content": "just text\n"}]).get_json()
    assert body["files"][0]["filename"] == ""
    assert path_of(body["files"][0]["raw_url"]) == f"/s/{body['id']}/raw"


# Reading


def test_a_snippet_from_before_named_like_a_path_still_has_a_raw_url(client):
    """Names were not checked before revisions; such a snippet's one file is at /s/<id>/raw."""
    snippet = Snippet.objects.create(content="old\n", filename="src/old.py")
    body = client.get(f"/api/snippets/{snippet.pk}").get_json()
    assert path_of(body["files"][0]["raw_url"]) == f"/s/{snippet.pk}/raw"
    assert raw(client, body["files"][0]["raw_url"]) == b"old\n"


def test_get_lists_the_latest_files_and_every_revision(client, made):
    body = client.get(f"/api/snippets/{made['id']}").get_json()
    assert (body["revision"], [f["filename"] for f in body["files"]]) == (1, ["hello.py", "q.sql"])
    assert [(r["n"], path_of(r["url"])) for r in body["revisions"]] == [(1, f"/s/{made['id']}/1")]
    assert body["files"][0]["sha256"] == made["files"][0]["sha256"]


def test_raw_of_a_snippet_with_several_files_is_300_with_the_list(client, made):
    response = client.get(f"/s/{made['id']}/raw")
    assert response.status_code == 300
    lines = response.get_data(as_text=True).splitlines()
    assert [line.split("\t")[0] for line in lines] == ["hello.py", "q.sql"]
    assert path_of(lines[0].split("\t")[1]) == f"/s/{made['id']}/raw/hello.py"
    assert 'rel="alternate"' in response.headers["Link"] and response.headers["X-Content-Type-Options"] == "nosniff"


def test_raw_of_one_file_is_exact_plain_text_that_nothing_sniffs(client, made):
    response = client.get(f"/s/{made['id']}/raw/hello.py")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"] == f'"{made["files"][0]["sha256"]}"'
    assert client.get(f"/s/{made['id']}/raw/hello.py", headers={"If-None-Match": response.headers["ETag"]}
                      ).status_code == 304
    assert client.get(f"/s/{made['id']}/raw/nope.py").status_code == 404
    assert client.get(f"/s/{made['id']}/7/raw/hello.py").status_code == 404


# Editing


def test_put_with_the_token_makes_revision_2_and_revision_1_keeps_its_bytes(client, made):
    response = put(client, made, files=[{"filename": "hello.py", "content": A + "# more\n"},
                                        {"filename": "new.md", "content": "# Notes\n"}])
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["revision"], body["changed"]) == (2, True)
    assert path_of(response.headers["Location"]) == f"/s/{made['id']}/2"
    assert [f["filename"] for f in body["files"]] == ["hello.py", "new.md"]
    assert raw(client, f"/s/{made['id']}/raw/hello.py") == (A + "# more\n").encode()
    assert client.get(f"/s/{made['id']}/raw/q.sql").status_code == 404  # gone from the latest revision
    assert raw(client, f"/s/{made['id']}/1/raw/q.sql") == B.encode()
    assert raw(client, f"/s/{made['id']}/1/raw/hello.py") == A.encode("utf-8")
    first = client.get(f"/api/snippets/{made['id']}/revisions/1").get_json()
    assert [f["sha256"] for f in first["files"]] == [f["sha256"] for f in made["files"]]
    assert path_of(first["files"][0]["raw_url"]) == f"/s/{made['id']}/1/raw/hello.py"
    assert first["latest"] is False
    assert [r["n"] for r in client.get(f"/api/snippets/{made['id']}").get_json()["revisions"]] == [1, 2]


def test_a_put_that_changes_nothing_is_200_and_makes_no_revision(client, made):
    response = put(client, made, files=[{"filename": "hello.py", "content": A}, {"filename": "q.sql", "content": B}])
    assert response.status_code == 200
    assert (response.get_json()["revision"], response.get_json()["changed"]) == (1, False)
    assert Revision.objects.filter(snippet_id=made["id"]).count() == 1


@pytest.mark.parametrize("files", [
    [{"filename": "q.sql", "content": B}, {"filename": "hello.py", "content": A}],  # order
    [{"filename": "hello2.py", "content": A}, {"filename": "q.sql", "content": B}],  # a name
    [{"filename": "hello.py", "content": A, "lexer": "text"}, {"filename": "q.sql", "content": B}],  # a language
    [{"filename": "hello.py", "content": A.replace("\r\n", "\n")}, {"filename": "q.sql", "content": B}],  # bytes
    [{"filename": "hello.py", "content": A}],  # a file fewer
])
def test_any_change_of_names_order_languages_or_bytes_is_a_new_revision(client, made, files):
    assert put(client, made, files=files).status_code == 201


def test_put_as_multipart_like_curl(client, made):
    response = client.put(f"/api/snippets/{made['id']}", data=uploads(("hello.py", "print(1)\n")),
                          content_type="multipart/form-data",
                          headers={"Authorization": f"Token {made['delete_token']}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert raw(client, f"/s/{made['id']}/raw/hello.py") == b"print(1)\n"


def test_put_of_a_one_file_snippet_with_content_like_post(client):
    made = client.post("/api/snippets", json={"content": "v1\n"}).get_json()
    assert put(client, made, content="v2\n").status_code == 201
    assert raw(client, made["raw_url"]) == b"v2\n"
    assert raw(client, f"/s/{made['id']}/1/raw") == b"v1\n"


@pytest.mark.parametrize(("token", "status", "code"), [("", 401, "unauthorized"), ("wrong", 403, "forbidden")])
def test_put_without_the_right_token_changes_nothing(client, made, token, status, code):
    response = put(client, made, token=token, files=[{"filename": "evil.py", "content": "x\n"}])
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert Revision.objects.filter(snippet_id=made["id"]).count() == 1
    assert raw(client, f"/s/{made['id']}/raw/hello.py") == A.encode("utf-8")


def test_a_burn_after_reading_snippet_is_not_edited_nor_revealed(client):
    made = post_files(client, [{"filename": "a.txt", "content": "secret a\n"}, {"filename": "b.txt",
                                                                                 "content": "secret b\n"}],
                      burn=True).get_json()
    assert put(client, made, content="other\n").status_code == 409
    assert set(client.get(f"/api/snippets/{made['id']}").get_json()) == {"id", "url", "burn_after_reading"}
    assert set(client.get(f"/api/snippets/{made['id']}/revisions/1").get_json()) == {"id", "url",
                                                                                       "burn_after_reading"}
    listing = client.get(f"/s/{made['id']}/raw")
    assert listing.status_code == 300 and "a.txt" not in listing.get_data(as_text=True)  # names not shown
    assert client.get(f"/s/{made['id']}/raw/b.txt").status_code == 409  # a GET reads nothing
    assert client.post(f"/s/{made['id']}/raw/b.txt").get_data() == b"secret b\n"  # read once: all its files go
    assert client.post(f"/s/{made['id']}/raw/a.txt").status_code == 404
    assert not File.objects.filter(revision__snippet_id=made["id"]).exists()


def test_a_removed_snippet_loses_every_revisions_text_and_refuses_each_again(client, made):
    put(client, made, files=[{"filename": "hello.py", "content": "third text\n"}])
    assert takedown.remove(made["id"], "spam", None)
    assert set(File.objects.filter(revision__snippet_id=made["id"]).values_list("content", flat=True)) == {""}
    for text in (A, B, "third text\n"):
        again = client.post("/api/snippets", json={"files": [{"filename": "x.txt", "content": text}]})
        assert again.get_json()["error"]["code"] == "removed_content"
    assert client.get(f"/s/{made['id']}/1/raw/hello.py").status_code == 410
    assert client.get(f"/api/snippets/{made['id']}/revisions/1").status_code == 410


# Refused


def refused(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    return error["message"]


@pytest.mark.parametrize(("name", "why"), [
    ("a/b.py", "slash"), ("a\\b.py", "backslash"), ("bell\x07.py", "control"), ("line\nbreak", "control"),
    ("x" * 256, "255"), ("..", "usable"),
])
def test_file_names_that_are_not_file_names_are_refused(client, name, why):
    message = refused(post_files(client, [{"filename": name, "content": "x\n"}]), 400, "bad_filename")
    assert why in message
    assert not Snippet.objects.exists()


def test_a_name_of_255_characters_is_fine(client):
    assert post_files(client, [{"filename": "é" * 251 + ".txt", "content": "x\n"}]).status_code == 201


def test_two_files_with_one_name_are_refused(client):
    message = refused(post_files(client, [{"filename": "a.py", "content": "1\n"}, {"filename": "a.py",
                                                                                    "content": "2\n"}]),
                      400, "duplicate_filename")
    assert "'a.py'" in message


def test_several_files_each_need_a_name(client):
    refused(post_files(client, [{"filename": "a.py", "content": "1\n"}, {"content": "2\n"}]), 400, "bad_filename")


def test_more_than_20_files_are_refused(client):
    files = [{"filename": f"f{n}.txt", "content": f"{n}\n"} for n in range(21)]
    assert "at most 20 files" in refused(post_files(client, files), 400, "too_many_files")
    assert post_files(client, files[:20]).status_code == 201


@override_settings(SNIPPET_MAX_FILES=1)
def test_a_limit_of_one_file_is_said_in_the_singular(client):
    files = [{"filename": f"f{n}.txt", "content": f"{n}\n"} for n in range(2)]
    assert "A snippet has at most 1 file; 2 were sent." in refused(post_files(client, files), 400, "too_many_files")


def test_more_than_20_uploads_are_refused_as_multipart_too(client):
    response = client.post("/api/snippets", data=uploads(*[(f"f{n}.txt", "x\n") for n in range(21)]),
                           content_type="multipart/form-data")
    refused(response, 400, "too_many_files")
    assert not Snippet.objects.exists()


@override_settings(SNIPPET_MAX_BYTES=1000)
def test_the_size_limit_is_for_all_the_files_together(client):
    files = [{"filename": "a.txt", "content": "a" * 600}, {"filename": "b.txt", "content": "b" * 600}]
    assert "1,200 bytes together" in refused(post_files(client, files), 413, "too_large")
    assert post_files(client, [files[0]]).status_code == 201


def test_a_thousand_multipart_parts_are_refused_quickly_and_clearly(client):
    """Django stops parsing at DATA_UPLOAD_MAX_NUMBER_FILES: the rest is never read into files."""
    started = time.monotonic()
    response = client.post("/api/snippets", data=uploads(*[(f"f{n}.txt", "x\n") for n in range(1000)]),
                           content_type="multipart/form-data")
    refused(response, 400, "too_many_files")
    assert time.monotonic() - started < 10  # not a speed goal: a guard against parsing every part into rows
    assert not Snippet.objects.exists()


def test_a_refused_edit_changes_nothing(client, made):
    refused(put(client, made, files=[{"filename": "a/b", "content": "x\n"}]), 400, "bad_filename")
    refused(put(client, made, files=[{"filename": "ok.py"}]), 400, "empty")
    assert Revision.objects.filter(snippet_id=made["id"]).count() == 1


def test_files_must_be_a_list_of_objects(client):
    assert "list" in refused(post_files(client, "a.py"), 400, "bad_request")
    assert "object" in refused(post_files(client, ["a.py"]), 400, "bad_request")
    refused(client.post("/api/snippets", json={"content": "x", "files": []}), 400, "bad_request")
