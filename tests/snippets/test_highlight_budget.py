"""One time budget for all the files of a request: creating, editing or showing a snippet of
twenty files with a slow highlighter waits one highlight timeout, not twenty.

The highlighter is asked about the files in turn, each question given what is left of the
budget (the highlight timeout). Once it is spent, a new snippet's remaining files are stored
as a file the highlighter did not answer for in time is (language undecided, nothing cached)
and rendered on their first view; a page shows the files not in the cache as plain text with
the timeout's notice. The timings are compared with a reference taken in the same test: the
same request for one file, which waits the whole timeout too.
"""

import pytest
from django.apps import apps
from django.core.cache import cache

from apps.snippets.models import File
from tests.waiting import timed

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5  # seconds: the highlight timeout, so the budget of every request here
FILES = 20
TIMED_OUT = "did not answer in time"


@pytest.fixture
def slow_highlighter(fake_highlighter, monkeypatch):
    """A highlighter that holds every answer far longer than the timeout (released at teardown)."""
    monkeypatch.setattr(apps.get_app_config("snippets"), "highlight_timeout", TIMEOUT)
    fake_highlighter.delay = 60.0
    return fake_highlighter


def files(count, version=1):
    return [{"filename": f"f{n}.py", "content": f"def f{n}():\n    return {version}\n"} for n in range(count)]


def create(client, count):
    response = client.post("/api/snippets", json={"files": files(count)})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def asked(highlighter, call):
    """``(call()'s result, seconds it took, highlight questions it asked)``."""
    before = highlighter.highlights
    result, seconds = timed(call)
    return result, seconds, highlighter.highlights - before


def forget_renderings():
    cache.clear()
    apps.get_app_config("snippets").pages.clear()


def test_creating_twenty_files_waits_one_timeout_like_one_file(client, slow_highlighter):
    _, reference, one_asked = asked(slow_highlighter, lambda: create(client, 1))
    assert one_asked == 1 and reference >= TIMEOUT  # the one file waited the whole timeout
    made, seconds, twenty_asked = asked(slow_highlighter, lambda: create(client, FILES))
    assert twenty_asked == 1  # the first question spent the budget; the others were never asked
    assert seconds < 2 * reference, f"{FILES} files took {seconds:.2f} s, one file {reference:.2f} s"
    stored = File.objects.filter(revision__snippet_id=made["id"])
    assert stored.count() == FILES
    assert {(file.lexer, file.lexer_source) for file in stored} == {("", "")}  # undecided, as after a timeout


def test_the_files_past_the_budget_are_rendered_on_the_first_view(client, slow_highlighter, monkeypatch):
    made = create(client, FILES)
    slow_highlighter.delay = 0.0  # the highlighter is well again, and the view has time for every file
    monkeypatch.setattr(apps.get_app_config("snippets"), "highlight_timeout", 30.0)
    page = client.get(f"/s/{made['id']}").get_data(as_text=True)
    assert TIMED_OUT not in page
    assert page.count('<span class="k">def</span>') == FILES  # every file highlighted
    assert page.count("Python") >= FILES


def test_an_edit_of_twenty_files_waits_one_timeout_like_an_edit_of_one(client, slow_highlighter):
    one, twenty = create(client, 1), create(client, FILES)

    def edit(made, count):
        response = client.put(f"/api/snippets/{made['id']}", json={"files": files(count, version=2)},
                              headers={"Authorization": f"Token {made['delete_token']}"})
        assert response.status_code == 201, response.get_data(as_text=True)

    _, reference, _ = asked(slow_highlighter, lambda: edit(one, 1))
    _, seconds, twenty_asked = asked(slow_highlighter, lambda: edit(twenty, FILES))
    assert twenty_asked == 1
    assert seconds < 2 * reference, f"{FILES} files took {seconds:.2f} s, one file {reference:.2f} s"


def test_a_page_of_twenty_files_not_in_the_cache_waits_one_timeout_and_shows_them_plain(client, fake_highlighter,
                                                                                         monkeypatch):
    monkeypatch.setattr(apps.get_app_config("snippets"), "highlight_timeout", TIMEOUT)
    one, twenty = create(client, 1), create(client, FILES)  # rendered at once, then forgotten
    forget_renderings()
    fake_highlighter.delay = 60.0
    _, reference, _ = asked(fake_highlighter, lambda: client.get(f"/s/{one['id']}"))
    response, seconds, twenty_asked = asked(fake_highlighter, lambda: client.get(f"/s/{twenty['id']}"))
    assert response.status_code == 200
    assert twenty_asked == 1
    assert seconds < 2 * reference, f"{FILES} files took {seconds:.2f} s, one file {reference:.2f} s"
    page = response.get_data(as_text=True)
    assert page.count(TIMED_OUT) == FILES
    assert all(f"def f{n}():" in page for n in range(FILES))  # every file, as plain text


def test_a_page_shows_the_cached_files_highlighted_and_only_the_others_plain(client, fake_highlighter, monkeypatch):
    """The budget limits questions, not the cache: a file rendered before is shown as it was."""
    monkeypatch.setattr(apps.get_app_config("snippets"), "highlight_timeout", TIMEOUT)
    made = create(client, 3)  # a fast highlighter: all three rendered and cached at once
    File.objects.filter(revision__snippet_id=made["id"], position=2).update(lexer="text")  # a new key: not cached
    fake_highlighter.delay = 60.0
    page, _, questions = asked(fake_highlighter, lambda: client.get(f"/s/{made['id']}").get_data(as_text=True))
    assert questions == 1
    assert page.count('<span class="k">def</span>') == 2 and page.count(TIMED_OUT) == 1


def test_a_one_file_page_with_a_slow_highlighter_is_as_before(client, slow_highlighter):
    made = create(client, 1)
    page = client.get(f"/s/{made['id']}").get_data(as_text=True)
    assert TIMED_OUT in page and "def f0():" in page


def test_an_embed_of_twenty_files_not_in_the_cache_waits_one_timeout(client, fake_highlighter, monkeypatch):
    monkeypatch.setattr(apps.get_app_config("snippets"), "highlight_timeout", TIMEOUT)
    one, twenty = create(client, 1), create(client, FILES)
    forget_renderings()
    fake_highlighter.delay = 60.0
    _, reference, _ = asked(fake_highlighter, lambda: client.get(f"/s/{one['id']}/embed"))
    response, seconds, twenty_asked = asked(fake_highlighter, lambda: client.get(f"/s/{twenty['id']}/embed"))
    assert response.status_code == 200
    assert twenty_asked == 1
    assert seconds < 2 * reference, f"{FILES} files took {seconds:.2f} s, one file {reference:.2f} s"
    assert all(f"def f{n}():" in response.get_data(as_text=True) for n in range(FILES))
