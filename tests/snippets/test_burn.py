"""Burn-after-reading (issue 9 items 6 and 7): burned only by a person reading it.

No GET nor HEAD burns (issue 15: the page is first a reveal step, tests/snippets/test_reveal.py; a
program reads by a POST to the raw or download URL); another app fetching for its own use is refused and burns nothing; a
request that fails burns nothing; an unread burn snippet reveals only that it exists; its
text is kept in no cache, here or in the highlighter.
"""

import pytest
from django.apps import apps
from django.core.cache import cache

from apps import sitewide
from apps.snippets import burning, highlighting
from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db

SECRET = "the secret\n"


@pytest.fixture
def burn(paste):
    return paste(SECRET, burn="true", title="launch codes", filename="codes.txt")["id"]


def read(client, reveal, path, snippet_id):
    """A person's one reading: the page's Reveal button, or a program's POST to a raw URL."""
    return reveal(snippet_id) if path == "/s/{}" else client.post(path.format(snippet_id))


@pytest.mark.parametrize("path", ["/s/{}", "/s/{}/raw", "/s/{}/download"])
def test_head_answers_without_the_content_and_never_burns(client, burn, path, reveal):
    """Link-preview bots send HEAD before anyone reads the link."""
    response = client.head(path.format(burn))
    assert response.status_code == 200
    assert response.get_data() == b""
    assert response.headers["Cache-Control"] == "no-store, private"
    assert "ETag" not in response.headers
    assert Snippet.objects.filter(pk=burn).exists()
    assert SECRET in read(client, reveal, path, burn).get_data(as_text=True)  # the person still reads it


@pytest.mark.parametrize("path", ["/s/{}/raw", "/s/{}/download", "/s/{}/1/raw", "/s/{}/raw/codes.txt",
                                  "/s/{}/1/raw/codes.txt", "/s/{}/1/download"])
def test_a_get_of_a_raw_url_says_to_post_and_burns_nothing(client, burn, path):
    """Any program's GET (a preview bot given the raw link) is told how to read it: a POST there."""
    response = client.get(path.format(burn), headers={"User-Agent": "curl/8.5.0"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "burn_after_reading" and "POST to this URL" in error["message"]
    assert f"curl -X POST http://localhost{path.format(burn)}" in error["message"]
    assert SECRET not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store, private"
    assert Snippet.objects.filter(pk=burn).exists()
    assert client.post(path.format(burn)).get_data(as_text=True) == SECRET
    assert client.post(path.format(burn)).status_code == 404


@pytest.mark.parametrize("path", ["/s/{}/raw", "/s/{}/download", "/s/{}/1/raw", "/s/{}/raw/x.py"])
def test_a_post_to_the_raw_url_of_any_other_snippet_is_405(client, paste, path):
    made = paste("x = 1\n", filename="x.py")["id"]
    response = client.post(path.format(made))
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD"
    assert client.get(path.format(made)).status_code == 200


def test_a_post_to_the_raw_url_from_another_site_is_refused(client, burn):
    """CSRF-exempt for programs, but a browser sent there by another site's page is refused."""
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        response = client.post(f"/s/{burn}/raw", headers=headers)
        assert response.status_code == 403 and SECRET not in response.get_data(as_text=True)
    assert Snippet.objects.filter(pk=burn).exists()


@pytest.mark.parametrize("method, path", [("get", "/s/{}"), ("get", "/s/{}/raw"), ("get", "/s/{}/download"),
                                          ("post", "/s/{}/raw"), ("post", "/s/{}/download")])
def test_another_app_fetching_it_is_refused_and_burns_nothing(client, burn, path, method):
    """The diff viewer's compare sends APP_FETCH_HEADER: a burn snippet is not its to open."""
    response = getattr(client, method)(path.format(burn), headers={sitewide.APP_FETCH_HEADER: "diffviewer"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "burn_after_reading" and "not opened" in error["message"]
    assert SECRET not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store, private"
    assert Snippet.objects.filter(pk=burn).exists()


def test_a_request_that_fails_burns_nothing(client, burn, monkeypatch, reveal):
    """The row is deleted only once the answer is made: a failure (here a fault in rendering)
    leaves the snippet for its reader."""

    def broken(*args, **kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(highlighting, "render", broken)
    assert reveal(burn).status_code == 500
    assert Snippet.objects.filter(pk=burn).exists()
    monkeypatch.undo()
    assert SECRET in reveal(burn).get_data(as_text=True)
    assert not Snippet.objects.filter(pk=burn).exists()


@pytest.mark.parametrize("path", ["/s/{}", "/s/{}/raw", "/s/{}/download", "/s/{}/1/raw", "/s/{}/raw/codes.txt",
                                  "/s/{}/1/raw/codes.txt", "/s/{}/1/download"])
def test_a_reader_who_loses_the_race_gets_a_404(client, burn, path, reveal, monkeypatch):
    """Two readers at once: the other one burns the snippet while this one's answer is made
    (its text not yet read from the database). This one gets the 404 of a snippet already read,
    not a 500 (the gunicorn bench saw 1 in 16 concurrent POSTs to /download end so)."""
    serve = burning.serve

    def raced(request, snippet_id, respond, **kwargs):
        def late(snippet):
            snippet.head  # its head file found, its text not yet read
            Snippet.objects.filter(pk=snippet_id).delete()  # the other reader's burn
            return respond(snippet)

        return serve(request, snippet_id, late, **kwargs)

    monkeypatch.setattr(burning, "serve", raced)
    response = read(client, reveal, path, burn)
    assert response.status_code == 404
    assert SECRET not in response.get_data(as_text=True)


def test_the_reading_answer_is_stored_by_no_cache_on_the_way(client, burn):
    response = client.post(f"/s/{burn}/download")
    assert response.get_data(as_text=True) == SECRET
    assert response.headers["Cache-Control"] == "no-store, private"


def test_an_unread_burn_snippet_reveals_only_that_it_exists(client, burn):
    """Not its size, digest, names or language: the SHA-256 of a short secret is the secret."""
    response = client.get(f"/api/snippets/{burn}")
    assert response.status_code == 200
    assert set(response.get_json()) == {"id", "url", "burn_after_reading"}
    assert response.get_json()["burn_after_reading"] is True
    assert Snippet.objects.filter(pk=burn).exists()


@pytest.mark.parametrize("path", ["/s/{}/share", "/s/{}/delete"])
def test_its_pages_do_not_show_its_names_to_anyone_but_its_creator(client, burn, path):
    page = client.get(path.format(burn)).get_data(as_text=True)
    assert "launch codes" not in page and "codes.txt" not in page


def test_its_text_is_kept_in_no_cache_here_or_in_the_highlighter(client, fake_highlighter, paste, reveal):
    snippet = paste(SECRET, burn="true")
    assert fake_highlighter.cache_controls == ["no-store"]  # asked at creation for its language, keeping nothing
    assert SECRET in reveal(snippet["id"]).get_data(as_text=True)
    assert fake_highlighter.cache_controls == ["no-store", "no-store"]
    assert cache.bytes_held == 0
    assert apps.get_app_config("snippets").pages.size == 0
