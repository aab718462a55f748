"""Times in relative words with the exact UTC time kept (issue 15: "times are UTC with no relative
form"): ``apps.snippets.times``, and the snippet page, its history and "My snippets" using it."""

import re
from datetime import datetime, timedelta, timezone

import pytest

from apps.snippets import times
from apps.snippets.models import Snippet

NOW = datetime(2026, 12, 7, 6, 37, 20, tzinfo=timezone.utc)


@pytest.mark.parametrize(("offset", "words"), [
    (timedelta(seconds=-10), "just now"),
    (timedelta(minutes=-3, seconds=-5), "3\xa0minutes ago"),
    (timedelta(hours=-1, minutes=-20), "1\xa0hour ago"),
    (timedelta(days=-400), "1\xa0year ago"),
    (timedelta(seconds=30), "in less than a minute"),
    (timedelta(minutes=59, seconds=30), "in 59\xa0minutes"),
    (timedelta(days=6, hours=23), "in 6\xa0days"),
])
def test_a_time_reads_relative_to_now(offset, words):
    assert times.phrase(NOW + offset, NOW) == words


def test_the_element_keeps_the_exact_time_for_programs_and_people():
    html = times.when(NOW - timedelta(minutes=3), NOW)
    assert html == ('<time datetime="2026-12-07T06:34:20+00:00" title="2026-12-07 06:34 UTC">'
                    "3\xa0minutes ago</time>")


def shown(page, before):
    """The <time> right after ``before`` (e.g. "created "): (datetime, title, words)."""
    return re.search(re.escape(before) + r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', page).groups()


@pytest.mark.django_db
def test_the_snippet_page_says_when_it_was_made_and_when_it_expires_in_words(client, paste):
    made = paste("x = 1\n", expires="1h")
    page = client.get(f"/s/{made['id']}").get_data(as_text=True)
    snippet = Snippet.objects.get(pk=made["id"])
    stamp, title, words = shown(page, "created ")
    assert words == "just now" and title == times.exact(snippet.created_at) and title.endswith(" UTC")
    assert datetime.fromisoformat(stamp) == snippet.created_at
    _, title, words = shown(page, "expires ")
    assert words == "in 59\xa0minutes" and title == times.exact(snippet.expires_at)


@pytest.mark.django_db
def test_a_cached_page_is_not_shown_once_its_words_are_stale(client, paste, monkeypatch):
    made = paste("x = 1\n")
    assert shown(client.get(f"/s/{made['id']}").get_data(as_text=True), "created ")[2] == "just now"
    later = Snippet.objects.get(pk=made["id"]).created_at + timedelta(minutes=5, seconds=2)
    monkeypatch.setattr(times.timezone, "now", lambda: later)
    assert shown(client.get(f"/s/{made['id']}").get_data(as_text=True), "created ")[2] == "5\xa0minutes ago"


@pytest.mark.django_db
def test_history_and_my_snippets_say_it_in_words_too(client, post_form):
    location = post_form(content="x = 1\n", lexer="python").headers["Location"]
    history = client.get(f"{location}/history").get_data(as_text=True)
    assert shown(history, "· ")[2] == "just now"
    mine = client.get("/mine").get_data(as_text=True)
    assert shown(mine, "created ")[2] == "just now"


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "label"), [
    ({"lexer": "python"}, "Python"),
    ({"lexer": "auto", "content": "def f():\n    return 1\n"}, "Python (detected)"),
    ({"lexer": "text"}, "Text only"),
])
def test_my_snippets_names_languages_as_the_snippet_page_does(client, post_form, fields, label):
    location = post_form(**{"content": "x = 1\n", **fields}).headers["Location"]
    mine = client.get("/mine").get_data(as_text=True)
    assert re.search(r'<span class="language">([^<]*)</span>', mine).group(1) == label
    page = client.get(location).get_data(as_text=True)
    assert re.search(r'<span class="language">([^<]*)</span>', page).group(1) == label
