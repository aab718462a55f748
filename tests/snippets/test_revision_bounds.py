"""How much one snippet's revisions may grow: at most ``SNIPPET_MAX_REVISIONS`` (100 by default,
never more than 100), so its storage, its revision list in the API and its history page are
bounded without paging. An edit past the cap is refused (409 ``too_many_revisions``), and
nothing is stored; an edit that changes nothing is still 200."""

import pytest

from apps import environment as env
from apps.snippets.models import Revision
from tests.snippets.conftest import csrf_token, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(settings):
    settings.SNIPPET_MAX_REVISIONS = 3
    return 3


@pytest.fixture
def made(client):
    response = client.post("/api/snippets", json={"files": [{"filename": "a.py", "content": "v1\n"}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def put(client, made, content):
    return client.put(f"/api/snippets/{made['id']}", json={"files": [{"filename": "a.py", "content": content}]},
                      headers={"Authorization": f"Token {made['delete_token']}"})


def revisions_stored(snippet_id):
    return list(Revision.objects.filter(snippet_id=snippet_id).order_by("number").values_list("number", flat=True))


def test_a_put_past_the_cap_is_409_too_many_revisions_and_stores_nothing(client, made, cap):
    for number in (2, 3):
        assert put(client, made, f"v{number}\n").status_code == 201
    response = put(client, made, "v4\n")
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "too_many_revisions"
    assert "3 revisions" in error["message"] and "Fork" in error["message"]
    assert revisions_stored(made["id"]) == [1, 2, 3]
    assert client.get(path_of(made["url"]) + "/raw").get_data(as_text=True) == "v3\n"


def test_a_cap_of_one_revision_is_said_in_the_singular(client, made, settings):
    settings.SNIPPET_MAX_REVISIONS = 1
    message = put(client, made, "v2\n").get_json()["error"]["message"]
    assert message.startswith("This snippet has 1 revision, the most a snippet may have (1).")


def test_a_put_that_changes_nothing_at_the_cap_is_still_200(client, made, cap):
    for number in (2, 3):
        put(client, made, f"v{number}\n")
    response = put(client, made, "v3\n")
    assert response.status_code == 200 and response.get_json()["changed"] is False


def test_the_revision_list_is_every_revision_and_so_never_longer_than_the_cap(client, made, cap):
    for number in (2, 3, 4):
        put(client, made, f"v{number}\n")
    listed = client.get(f"/api/snippets/{made['id']}").get_json()["revisions"]
    assert [revision["n"] for revision in listed] == [1, 2, 3]
    history = client.get(f"/s/{made['id']}/history").get_data(as_text=True)
    assert all(f"/s/{made['id']}/{n}" in history for n in (1, 2, 3)) and f"/s/{made['id']}/4" not in history


def test_the_site_refuses_a_cap_above_100_at_start_up():
    """The revision list is sent whole (API, history page): 100 is the most it may hold."""
    import config.settings  # noqa: F401 - declares the site's settings

    (setting,) = env.DECLARED["SNIPPET_MAX_REVISIONS"]
    assert setting.read({}) == 100
    assert setting.read({"SNIPPET_MAX_REVISIONS": "100"}) == 100
    with pytest.raises(env.ConfigError):
        setting.read({"SNIPPET_MAX_REVISIONS": "101"})


# The edit page


@pytest.fixture
def owned(client):
    """A one-file snippet made with the form, so that this client's session owns it: its id."""
    response = client.post("/", data={"csrfmiddlewaretoken": csrf_token(client), "files": "1", "filename": "a.py",
                                      "content": "v1\n"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return path_of(response.headers["Location"]).rsplit("/", 1)[-1]


def edit(client, snippet_id, content):
    fields = {"csrfmiddlewaretoken": csrf_token(client, f"/s/{snippet_id}/edit"), "files": "1",
              "filename": "a.py", "content": content, "lexer": "auto"}
    return client.post(f"/s/{snippet_id}/edit", data=fields)


def test_the_edit_page_at_the_cap_says_so_with_a_fork_link_and_refuses_a_change(client, owned, cap):
    for number in (2, 3):
        assert edit(client, owned, f"v{number}\n").status_code == 302
    page = client.get(f"/s/{owned}/edit").get_data(as_text=True)
    assert "the most a snippet may have" in page and f'href="/s/{owned}/fork"' in page
    response = edit(client, owned, "v4\n")
    assert response.status_code == 400
    assert "the most a snippet may have (3)" in response.get_data(as_text=True)
    assert revisions_stored(owned) == [1, 2, 3]


def test_the_edit_page_below_the_cap_says_what_saving_makes(client, owned, cap):
    page = client.get(f"/s/{owned}/edit").get_data(as_text=True)
    assert "Saving makes revision 2" in page and "the most a snippet may have" not in page


def test_the_history_page_is_kept_and_a_new_revision_shows_at_once(client, made):
    """At the cap it lists up to 100 × 20 files, about a second to render: a repeat view is the kept page."""
    from django.apps import apps

    pages = apps.get_app_config("snippets").pages
    first = client.get(f"/s/{made['id']}/history")
    assert first.status_code == 200
    assert [key for key in pages.keys() if key[:2] == (made["id"], "history")]
    assert client.get(f"/s/{made['id']}/history").get_data() == first.get_data()
    put(client, made, "v2\n")
    page = client.get(f"/s/{made['id']}/history").get_data(as_text=True)
    assert f"/s/{made['id']}/2" in page and "2 revisions" in page
