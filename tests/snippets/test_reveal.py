"""The reveal step of a burn-after-reading snippet (issue 15): no GET nor HEAD burns it, whoever
sends it; its page says it will be destroyed once shown and only the Reveal button's POST
(CSRF-protected, from the site's own pages) shows it, once.

Of two reveals at once exactly one is answered with the text: the row's DELETE decides (the
database locks the row; the other DELETE finds nothing). Here the two are interleaved in one
process; tests/snippets/test_reveal_servers.py
sends them at once to gunicorn.
"""

import re

import pytest

from apps.snippets import highlighting
from apps.snippets.models import Snippet
from tests.snippets.conftest import csrf_token
from tests.snippets.test_previews import tags

pytestmark = pytest.mark.django_db

SECRET = "the launch code is 0000\n"
BOTS = [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "",
]


@pytest.fixture
def burn(paste):
    return paste(SECRET, burn="true", title="launch codes", filename="codes.txt")["id"]


def unread(snippet_id):
    return Snippet.objects.filter(pk=snippet_id).exists()


@pytest.mark.parametrize("agent", BOTS)
@pytest.mark.parametrize("path", ["/s/{}", "/s/{}/1"])
def test_a_get_or_head_by_any_agent_shows_the_reveal_step_and_burns_nothing(client, burn, agent, path):
    for _ in range(3):  # bots fetch a link more than once
        assert client.head(path.format(burn), headers={"User-Agent": agent}).status_code == 200
        response = client.get(path.format(burn), headers={"User-Agent": agent, "Accept": "text/html"})
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "will be destroyed once it is shown" in page and "Reveal the snippet" in page
    assert SECRET.strip() not in page and "launch codes" not in page and "codes.txt" not in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "no-store, private"
    assert unread(burn)


def test_its_preview_tags_say_what_it_is_and_nothing_of_it(client, burn):
    found = tags(client.get(f"/s/{burn}").get_data(as_text=True))
    assert found["og:title"] == "A burn-after-reading snippet"
    assert found["og:url"] == f"http://localhost/s/{burn}" and found["og:type"] == "website"
    assert "shown once" in found["og:description"] and found["twitter:card"] == "summary"
    assert not any(word in value for value in found.values() for word in ("launch", "codes", "0000"))


def test_the_reveal_burns_it_exactly_once(client, burn, reveal):
    page = client.get(f"/s/{burn}").get_data(as_text=True)
    assert f'<form method="post" action="/s/{burn}/reveal"' in page
    shown = reveal(burn)
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "0000" in text and "now deleted" in text and "launch codes" in text
    assert shown.headers["Cache-Control"] == "no-store, private" and shown.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "og:description" not in text  # the reading is no page to preview
    assert not unread(burn)
    again = client.post(f"/s/{burn}/reveal", data={"csrfmiddlewaretoken": csrf_token(client, "/")})
    assert again.status_code == 404 and "0000" not in again.get_data(as_text=True)
    assert client.get(f"/s/{burn}").status_code == 404


def test_a_reveal_without_the_csrf_token_is_refused_and_burns_nothing(client, burn):
    client.get(f"/s/{burn}")  # the CSRF cookie, but no token in the form
    for data in ({}, {"csrfmiddlewaretoken": "x" * 64}):
        response = client.post(f"/s/{burn}/reveal", data=data)
        assert response.status_code == 403 and "0000" not in response.get_data(as_text=True)
    assert unread(burn)


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}])
def test_a_reveal_sent_by_another_sites_page_is_refused_and_burns_nothing(client, burn, headers):
    token = csrf_token(client, f"/s/{burn}")
    response = client.post(f"/s/{burn}/reveal", data={"csrfmiddlewaretoken": token}, headers=headers)
    assert response.status_code == 403 and "0000" not in response.get_data(as_text=True)
    assert unread(burn)


def test_a_reveal_from_the_sites_own_page_is_taken(client, burn):
    token = csrf_token(client, f"/s/{burn}")
    response = client.post(f"/s/{burn}/reveal", data={"csrfmiddlewaretoken": token},
                           headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200 and "0000" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["get", "head", "put", "delete"])
def test_the_reveal_url_takes_only_a_post(client, burn, method):
    assert getattr(client, method)(f"/s/{burn}/reveal").status_code in (403, 405)  # CSRF first for writes
    assert unread(burn)


def test_a_reveal_of_a_snippet_that_is_not_burn_after_reading_is_its_page(client, paste, reveal):
    made = paste("x = 1\n")["id"]
    response = reveal(made, page="/")
    assert response.status_code == 302 and response.headers["Location"] == f"/s/{made}"
    assert unread(made)


def test_a_reveal_of_no_snippet_is_404_and_of_an_expired_one_410(client, burn, reveal):
    from django.utils import timezone

    assert reveal("nosuchsnippet", page="/").status_code == 404
    Snippet.objects.filter(pk=burn).update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    assert client.get(f"/s/{burn}").status_code == 410
    assert reveal(burn, page="/").status_code == 410


def test_no_other_revision_exists(client, burn):
    assert client.get(f"/s/{burn}/2").status_code == 404


def test_two_reveals_at_once_show_it_once(client, burn, monkeypatch):
    """The second reveal arrives while the first is making its page: both make it, one DELETE
    removes the row, and only that request is answered with the text; the other is a 404."""
    token = csrf_token(client, f"/s/{burn}")
    render = highlighting.render
    answers = []

    def render_and_let_another_in(*args, **kwargs):
        if not answers:  # the first reveal, mid-way: the second one runs to its end
            answers.append(None)
            answers.append(client.post(f"/s/{burn}/reveal", data={"csrfmiddlewaretoken": token}))
        return render(*args, **kwargs)

    monkeypatch.setattr(highlighting, "render", render_and_let_another_in)
    first = client.post(f"/s/{burn}/reveal", data={"csrfmiddlewaretoken": token})
    second = answers[1]
    assert sorted([first.status_code, second.status_code]) == [200, 404]
    shown = [answer for answer in (first, second) if "0000" in answer.get_data(as_text=True)]
    assert len(shown) == 1
    assert not unread(burn)


def test_its_creator_sees_its_title_and_the_same_step(client, post_form, reveal):
    """As today: the creator is not shown the snippet unless they reveal it, which uses it up."""
    post_form(content=SECRET, burn="on", title="launch codes")
    snippet_id = Snippet.objects.get().pk
    page = client.get(f"/s/{snippet_id}").get_data(as_text=True)
    assert "launch codes" in page and "0000" not in page and "You created this snippet" in page
    assert f'href="/s/{snippet_id}/share"' in page and f'href="/s/{snippet_id}/delete"' in page
    assert "launch codes" not in re.search(r"<head>.*</head>", page, re.S).group(0)  # not in its preview
    assert "0000" in reveal(snippet_id).get_data(as_text=True)
    assert client.get("/mine").get_data(as_text=True).count(snippet_id) == 0  # forgotten once read
