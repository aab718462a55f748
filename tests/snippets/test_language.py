"""Know the language (issue 12), the snippet's side: a snippet records whether its language was
chosen by a person, named by its file, or detected from its content; the page says
"Python (detected)" for the last; its owner corrects it in one click (``/s/<id>/language``)
or with ``PATCH /api/snippets/<id>`` and the delete token, in place: no fork, no new id.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from werkzeug.test import Client

from apps.snippets import catalog, highlighting, language, takedown
from apps.snippets.highlighting import Rendering
from apps.snippets.models import File, Snippet
from tests.snippets.conftest import csrf_token, path_of

pytestmark = pytest.mark.django_db

PYTHON = """import os


def main():
    for name in sorted(os.listdir(".")):
        print(name)


if __name__ == "__main__":
    main()
"""


def language_label(page):
    """What the page's meta line says the language is."""
    return re.search(r'<span class="language">([^<]*)</span>', page).group(1)


def text(response):
    return response.get_data(as_text=True)


def has_correction(page):
    return 'action="/s/' in page and "Set language" in page


@pytest.fixture
def created(client, post_form):
    """An unnamed Python snippet, auto, made through the form by ``client`` (its owner): its id."""
    location = post_form(content=PYTHON, lexer="auto").headers["Location"]
    client.get(location)  # the one look that shows the token
    return path_of(location).rsplit("/", 1)[1]


@pytest.fixture
def stranger(site):
    return Client(site)


def set_language(client, snippet_id, lexer, **headers):
    token = csrf_token(client, "/")  # the session's CSRF token, from any form
    return client.post(f"/s/{snippet_id}/language", data={"csrfmiddlewaretoken": token, "lexer": lexer},
                       headers=headers)


def patch(client, snippet_id, token=None, **kwargs):
    headers = {"Authorization": f"Token {token}"} if token else {}
    return client.patch(f"/api/snippets/{snippet_id}", headers=headers, **kwargs)


# Where the language came from


def test_an_unnamed_auto_snippet_is_detected_and_its_page_says_so(client, created):
    snippet = Snippet.objects.get(pk=created)
    assert (snippet.lexer, snippet.lexer_source, snippet.lexer_detected) == ("python", "detected", True)
    assert language_label(text(client.get(f"/s/{created}"))) == "Python (detected)"


def test_a_file_name_that_names_the_language_is_not_a_detection(client, paste):
    made = paste(PYTHON, filename="tools/list.py")
    assert (made["lexer"], made["lexer_detected"], made["lexer_source"]) == ("python", False, "filename")
    assert language_label(text(client.get(f"/s/{made['id']}"))) == "Python"


def test_a_language_named_by_the_person_is_chosen(client, paste):
    made = paste(PYTHON, lexer="ruby")
    assert (made["lexer"], made["lexer_detected"], made["lexer_source"]) == ("ruby", False, "chosen")
    assert language_label(text(client.get(f"/s/{made['id']}"))) == "Ruby"


def test_a_snippet_from_before_is_not_claimed_as_detected(client, paste):
    """Rows from before the migration have lexer_source "": not known, so nothing is claimed."""
    made = paste(PYTHON)
    File.objects.filter(revision__snippet_id=made["id"]).update(lexer_source="")
    assert language_label(text(client.get(f"/s/{made['id']}"))) == "Python"
    body = client.get(f"/api/snippets/{made['id']}").get_json()
    assert (body["lexer"], body["lexer_detected"], body["lexer_source"]) == ("python", False, None)


def test_the_api_reports_the_detected_lexer_not_auto(client, paste):
    """The 201 and GET both say which lexer the highlighter chose for an unnamed auto snippet."""
    made = paste(PYTHON)
    assert (made["lexer"], made["lexer_detected"], made["lexer_source"]) == ("python", True, "detected")
    body = client.get(f"/api/snippets/{made['id']}").get_json()
    assert (body["lexer"], body["lexer_detected"], body["lexer_source"]) == ("python", True, "detected")


def test_a_burn_snippet_reports_its_detected_lexer_as_any_other(client, paste):
    """Its creator is told the language the highlighter decided (asked with no-store: its rendering
    is kept nowhere), not "auto"; its one reader sees the same."""
    made = paste(PYTHON, burn="true")
    assert (made["lexer"], made["lexer_detected"], made["lexer_source"]) == ("python", True, "detected")
    assert made["files"][0]["lexer"] == "python"
    assert Snippet.objects.get(pk=made["id"]).lexer == "python"  # stored: its reader is shown the same


@pytest.mark.parametrize(("filename", "content", "label", "source"), [
    ("", "def f():\n    pass\n", "Python (detected)", "detected"),  # the fake's rule: model
    ("f.py", "def f():\n    pass\n", "Python", "filename"),  # rule: filename
    ("", "hello\n", "Text only (detected)", "detected"),  # rule: fallback, a guess that found nothing sure
])
def test_the_rule_the_highlighter_answers_is_what_decides(client, paste, fake_highlighter, filename, content, label,
                                                           source):
    made = paste(content, filename=filename)
    assert made["lexer_source"] == source
    assert language_label(text(client.get(f"/s/{made['id']}"))) == label


@pytest.mark.parametrize(("rule", "source"), [("filename", "filename"), ("shebang", "detected"),
                                              ("modeline", "detected"), ("model", "detected"),
                                              ("fallback", "detected")])
def test_the_highlighters_own_rule_decides_when_it_says_one(rule, source):
    rendering = Rendering(packed=b"", size=0, lexer_name="Python", lexer_alias="python", lexer_rule=rule)
    assert language.source_of("notes.txt", rendering, catalog.EMPTY) == source


def test_without_a_rule_the_file_name_is_matched_against_the_lexers_patterns():
    known = catalog.build([{"name": "Python", "aliases": ["python"], "filenames": ["*.py", "SConstruct"],
                            "mimetypes": []}], [], "1")
    rendering = Rendering(packed=b"", size=0, lexer_name="Python", lexer_alias="python")
    assert language.source_of("a/b/list.py", rendering, known) == "filename"
    assert language.source_of("SConstruct", rendering, known) == "filename"
    assert language.source_of("list.PY", rendering, known) == "detected"  # Pygments' globs are case-sensitive
    assert language.source_of("notes", rendering, known) == "detected"
    assert language.source_of("", rendering, known) == "detected"


@pytest.mark.django_db(transaction=True)
def test_the_migration_leaves_existing_snippets_not_known():
    """0005 adds lexer_source; rows from before get "" (not known), never "detected"."""
    executor = MigrationExecutor(connection)
    before, after = [("snippets", "0004_reports_and_takedown")], [("snippets", "0005_snippet_lexer_source")]
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("snippets", "Snippet")
        old.objects.create(id="from-before", content="x = 1\n", lexer="python", size=6, sha256="0" * 64)
        executor.loader.build_graph()
        executor.migrate(after)
        row = executor.loader.project_state(after).apps.get_model("snippets", "Snippet").objects.get(pk="from-before")
        assert (row.lexer, row.lexer_source) == ("python", "")
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("snippets"))  # and on, to revisions (0006-0008)
        assert (Snippet.objects.get(pk="from-before").lexer_detected, Snippet.objects.get(pk="from-before").lexer) == (
            False, "python")
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("snippets"))


# The owner's correction on the page


def test_only_the_owner_sees_the_correction(client, created, stranger):
    assert has_correction(text(client.get(f"/s/{created}")))
    page = text(stranger.get(f"/s/{created}"))
    assert language_label(page) == "Python (detected)" and not has_correction(page)


def test_the_owners_page_and_a_strangers_never_come_from_each_others_cache(client, created, stranger):
    """The owner's page carries a CSRF token and the form: it is never kept for anyone else."""
    stranger.get(f"/s/{created}")  # now kept for readers
    assert has_correction(text(client.get(f"/s/{created}")))
    assert not has_correction(text(stranger.get(f"/s/{created}")))


def test_the_owner_sets_the_language_in_one_post_and_the_page_shows_it(client, created, stranger):
    assert 'class="nn"' in text(stranger.get(f"/s/{created}"))  # a kept page and rendering, in Python
    response = set_language(client, created, "ruby")
    assert response.status_code == 302 and response.headers["Location"] == f"/s/{created}"
    snippet = Snippet.objects.get(pk=created)
    assert (snippet.lexer, snippet.lexer_source) == ("ruby", "chosen")
    assert Snippet.objects.count() == 1  # no fork, no new id
    for reader in (client, stranger):
        page = text(reader.get(f"/s/{created}"))
        assert language_label(page) == "Ruby"
    assert 'class="nn"' not in page  # Python's namespace token is gone from the code block


def test_the_old_rendering_is_dropped_from_the_cache(client, created):
    def cached(snippet):  # under whichever highlighter version this process has seen
        return [key for version in catalog.known_versions()
                if cache.get(key := highlighting.cache_key(snippet, version)) is not None]

    before = Snippet.objects.get(pk=created)
    assert cached(before)
    set_language(client, created, "ruby")
    assert not cached(before)
    assert cached(Snippet.objects.get(pk=created))  # the new one, made ahead


def test_the_owner_can_ask_to_detect_again(client, created):
    set_language(client, created, "ruby")
    assert set_language(client, created, "auto").status_code == 302
    snippet = Snippet.objects.get(pk=created)
    assert (snippet.lexer, snippet.lexer_source) == ("python", "detected")


def test_confirming_the_detected_language_makes_it_chosen(client, created):
    set_language(client, created, "python")
    assert language_label(text(client.get(f"/s/{created}"))) == "Python"


def test_anyone_else_is_refused_with_the_sites_403_page(created, stranger):
    response = set_language(stranger, created, "ruby")
    assert response.status_code == 403
    page = text(response)
    assert "<h1>Not allowed</h1>" in page and "creator" in page
    assert Snippet.objects.get(pk=created).lexer == "python"


def test_the_form_needs_its_csrf_token(client, created):
    response = client.post(f"/s/{created}/language", data={"lexer": "ruby"})
    assert response.status_code == 403
    assert Snippet.objects.get(pk=created).lexer == "python"


def test_a_page_on_another_site_cannot_make_the_owner_change_it(client, created):
    response = set_language(client, created, "ruby", Origin="https://evil.example", **{"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and "another site" in text(response)
    assert Snippet.objects.get(pk=created).lexer == "python"


def test_an_unknown_language_is_refused_and_nothing_changes(client, created):
    response = set_language(client, created, "no-such-language")
    assert response.status_code == 400 and "Unknown language" in text(response)
    assert Snippet.objects.get(pk=created).lexer == "python"


def test_get_is_not_a_way_to_change_it(client, created):
    assert client.get(f"/s/{created}/language?lexer=ruby").status_code == 405


def test_a_burn_snippet_is_not_changeable(client, post_form):
    snippet_id = post_form(content=PYTHON, burn="on").headers["Location"].rstrip("/").split("/")[-2]
    response = set_language(client, snippet_id, "ruby")
    assert response.status_code == 409 and "burn-after-reading" in text(response)
    assert Snippet.objects.get(pk=snippet_id).lexer == "python"  # as detected at creation


def test_a_removed_or_expired_snippet_answers_410(client, created, post_form):
    token = csrf_token(client, f"/s/{created}")
    takedown.remove(created, "spam", None)
    response = client.post(f"/s/{created}/language", data={"csrfmiddlewaretoken": token, "lexer": "ruby"})
    assert response.status_code == 410
    other = path_of(post_form(content="y = 2\n").headers["Location"]).rsplit("/", 1)[1]
    token = csrf_token(client, f"/s/{other}")
    Snippet.objects.filter(pk=other).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(f"/s/{other}/language", data={"csrfmiddlewaretoken": token, "lexer": "ruby"})
    assert response.status_code == 410


def test_a_fork_of_a_detected_snippet_detects_again_and_of_a_chosen_one_keeps_it(client, created):
    assert '<option value="auto" selected>' in text(client.get(f"/s/{created}/fork"))
    set_language(client, created, "ruby")
    assert '<option value="ruby" selected>' in text(client.get(f"/s/{created}/fork"))


# The API


def test_patch_with_the_delete_token_sets_the_language_and_answers_like_get(client, paste):
    made = paste(PYTHON)
    response = patch(client, made["id"], made["delete_token"], json={"lexer": "Ruby"})
    assert response.status_code == 200
    body = response.get_json()
    assert body == client.get(f"/api/snippets/{made['id']}").get_json()
    assert (body["lexer"], body["lexer_detected"], body["lexer_source"]) == ("ruby", False, "chosen")
    assert body["id"] == made["id"] and Snippet.objects.count() == 1


def test_patch_takes_a_form_field_too(client, paste):
    made = paste(PYTHON)
    response = patch(client, made["id"], made["delete_token"], data={"lexer": "ruby"})
    assert response.status_code == 200 and response.get_json()["lexer"] == "ruby"


def test_patch_as_multipart_says_to_send_json_or_a_form(client, paste):
    """Django reads multipart bodies for POST only: the field would be silently missing."""
    made = paste(PYTHON)
    response = patch(client, made["id"], made["delete_token"], data={"lexer": "ruby"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "not multipart" in response.get_json()["error"]["message"]
    assert Snippet.objects.get(pk=made["id"]).lexer == "python"


@pytest.mark.parametrize(("token", "status", "code"), [(None, 401, "unauthorized"), ("wrong", 403, "forbidden")])
def test_patch_without_the_right_token_changes_nothing(client, paste, token, status, code):
    made = paste(PYTHON)
    response = patch(client, made["id"], token, json={"lexer": "ruby"})
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    assert Snippet.objects.get(pk=made["id"]).lexer == "python"


def test_patch_with_an_unknown_lexer_is_the_usual_unknown_lexer_error(client, paste):
    made = paste(PYTHON)
    response = patch(client, made["id"], made["delete_token"], json={"lexer": "no-such-language"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "unknown_lexer"
    assert Snippet.objects.get(pk=made["id"]).lexer == "python"


@pytest.mark.parametrize("body", [{}, {"lexer": 3}, []], ids=["no-lexer", "not-a-string", "not-an-object"])
def test_patch_without_a_lexer_string_is_a_bad_request(client, paste, body):
    made = paste(PYTHON)
    response = patch(client, made["id"], made["delete_token"], json=body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_patch_of_a_burn_snippet_is_refused_and_it_stays_unread(client, paste):
    made = paste(PYTHON, burn="true")
    response = patch(client, made["id"], made["delete_token"], json={"lexer": "ruby"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "burn_after_reading"
    assert Snippet.objects.get(pk=made["id"]).lexer == "python"  # as detected at creation


def test_patch_of_a_removed_snippet_answers_410(client, paste):
    made = paste(PYTHON)
    takedown.remove(made["id"], "spam", None)
    response = patch(client, made["id"], made["delete_token"], json={"lexer": "ruby"})
    assert response.status_code == 410 and response.get_json()["error"]["code"] == "removed"


def test_patch_from_a_page_on_another_site_is_refused(client, paste):
    made = paste(PYTHON)
    response = client.patch(f"/api/snippets/{made['id']}", json={"lexer": "ruby"},
                            headers={"Authorization": f"Token {made['delete_token']}", "Origin": "https://evil.example"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "cross_site"
    assert Snippet.objects.get(pk=made["id"]).lexer == "python"


def test_other_methods_say_which_are_allowed(client, paste):
    response = client.post(f"/api/snippets/{paste()['id']}", json={"lexer": "ruby"})  # (PUT is an edit)
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, PUT, PATCH, DELETE"
