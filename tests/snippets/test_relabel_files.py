"""Setting "the" language of a snippet of several files names no file: ``PATCH
/api/snippets/<id>`` and the owner's ``POST /s/<id>/language`` refuse it (409 ``several_files``)
and say how to set each file's language (an edit); nothing changes."""

import pytest

from apps.snippets.models import File
from tests.snippets.conftest import csrf_token, path_of

pytestmark = pytest.mark.django_db

FILES = [{"filename": "a.py", "content": "x = 1\n"}, {"filename": "b.txt", "content": "notes\n"}]


def languages():
    return list(File.objects.order_by("position").values_list("filename", "lexer"))


def test_patch_of_a_snippet_of_several_files_is_refused(client):
    made = client.post("/api/snippets", json={"files": FILES}).get_json()
    before = languages()
    response = client.patch(f"/api/snippets/{made['id']}", json={"lexer": "go"},
                            headers={"Authorization": f"Token {made['delete_token']}"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "several_files" and "PUT" in error["message"]
    assert languages() == before


def test_patch_of_a_one_file_snippet_still_sets_its_language(client):
    made = client.post("/api/snippets", json={"content": "x = 1\n"}).get_json()
    response = client.patch(f"/api/snippets/{made['id']}", json={"lexer": "go"},
                            headers={"Authorization": f"Token {made['delete_token']}"})
    assert response.status_code == 200 and response.get_json()["lexer"] == "go"


def test_the_owners_language_form_is_refused_for_several_files(client):
    fields = {"csrfmiddlewaretoken": csrf_token(client), "files": "2", "filename": "a.py", "content": "x = 1\n",
              "file2-filename": "b.txt", "file2-content": "notes\n"}
    created = client.post("/", data=fields)
    assert created.status_code == 302
    snippet_id = path_of(created.headers["Location"]).rsplit("/", 1)[-1]
    before = languages()
    response = client.post(f"/s/{snippet_id}/language", data={"csrfmiddlewaretoken": csrf_token(client), "lexer": "go"})
    assert response.status_code == 409
    assert "several files" in response.get_data(as_text=True) and "edit" in response.get_data(as_text=True)
    assert languages() == before
