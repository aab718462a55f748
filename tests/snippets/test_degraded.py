"""The snippet page when the highlighter is not there, slow, or refuses: always 200, the
escaped plain text and a notice. Degraded pages are never cached; that the highlighter
declined a snippet (too slow, too large) is remembered for a while, so its page is quick."""

import pytest
from django.apps import apps
from django.core.cache import cache

from apps.snippets.models import Snippet
from tests.payloads import SLOW_SCALA
from tests.waiting import timed

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(apps.get_app_config("snippets"), "highlight_timeout", 0.3)


def test_an_unreachable_highlighter_gives_plain_text_and_a_notice(client, paste, monkeypatch):
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")
    snippet = paste("if a < b:\n    pass\n", lexer="python")
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "could not be reached" in page
    assert "if a &lt; b:" in page
    assert '<a id="L2" href="#L2">2</a>' in page and '<span id="L-2">' in page


def test_a_slow_highlighter_is_given_up_on(client, paste, fake_highlighter, short_timeout):
    fake_highlighter.delay = 1.0
    snippet = paste("x = 1\n")
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200
    assert "did not answer in time" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [
        (422, "timeout", "highlighting it took too long"),
        (413, "too_large", "it is too large to highlight"),
        (422, "output_too_large", "its highlighted form would be too large"),
    ],
)
def test_a_highlighter_that_declines_gives_plain_text_with_the_reason(client, paste, fake_highlighter, status, code, reason):
    fake_highlighter.answer = (status, {"error": {"code": code, "message": "no"}})
    snippet = paste("x = 1\n")
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 200
    assert reason in response.get_data(as_text=True)


def test_a_failure_that_may_pass_is_not_remembered(client, paste, fake_highlighter):
    """A highlighter error or outage may be over at the next view: it is asked again."""
    fake_highlighter.answer = (500, {"error": {"code": "internal_error", "message": "oops"}})
    snippet = paste("x = 1\n")
    assert "showing plain text" in client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    fake_highlighter.answer = None
    page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert "showing plain text" not in page


@pytest.mark.parametrize(("status", "code"), [(422, "timeout"), (413, "too_large"), (422, "output_too_large")])
def test_a_snippet_the_highlighter_declined_is_shown_plain_at_once_for_a_while(
    client, paste, fake_highlighter, status, code
):
    """Asking again would be declined again (and a timeout would make each view wait for it)."""
    fake_highlighter.answer = (status, {"error": {"code": code, "message": "no"}})
    snippet = paste("x = 1\n")  # declined at creation, for the default style
    calls = fake_highlighter.highlights
    for _ in range(2):
        page = client.get(f"/s/{snippet['id']}").get_data(as_text=True)
        assert "The highlighter declined this snippet" in page and "x = 1" in page
    assert fake_highlighter.highlights == calls
    client.get(f"/s/{snippet['id']}?style=monokai")  # the same rendering, declined the same
    assert fake_highlighter.highlights == calls


def test_the_plain_rendering_of_a_declined_snippet_is_made_once_for_the_while(client, paste, fake_highlighter,
                                                                               monkeypatch):
    """A maximal snippet's plain rendering costs about 0.3 s of CPU: it is kept with the decline."""
    from apps.snippets import codeblock

    fake_highlighter.answer = (422, {"error": {"code": "output_too_large", "message": "too big"}})
    snippet = paste("x = 1\n")
    made = []
    monkeypatch.setattr(codeblock, "plain", lambda text, made_plain=codeblock.plain: made.append(1) or made_plain(text))
    cache.clear()  # as another process: only the row knows of the decline
    for _ in range(3):
        assert "x = 1" in client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert len(made) == 1


def test_a_declined_snippet_is_asked_again_once_the_while_is_over(client, paste, fake_highlighter, monkeypatch):
    """The plain page itself is never kept: once the decline is forgotten, a highlighter
    that now answers (a new version, a longer budget) colours the page."""
    monkeypatch.setattr(apps.get_app_config("snippets"), "declined_ttl", 0)
    fake_highlighter.answer = (422, {"error": {"code": "timeout", "message": "slow"}})
    snippet = paste("x = 1\n")
    assert "showing plain text" in client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    fake_highlighter.answer = None
    assert "showing plain text" not in client.get(f"/s/{snippet['id']}").get_data(as_text=True)


def test_a_decline_at_creation_is_known_to_every_process(client, paste, fake_highlighter):
    """Kept on the snippet's row too, not only in this process's cache (gunicorn runs several)."""
    fake_highlighter.answer = (422, {"error": {"code": "timeout", "message": "slow"}})
    snippet = paste("x = 1\n")
    assert "took too long" in Snippet.objects.get(pk=snippet["id"]).declined_notice
    cache.clear()  # as another process sees it: nothing in its memory
    calls = fake_highlighter.highlights
    assert "took too long" in client.get(f"/s/{snippet['id']}").get_data(as_text=True)
    assert fake_highlighter.highlights == calls


def test_content_that_stalls_the_lexer_pays_the_budget_once_then_renders_at_once(client, monkeypatch):
    """Issue 5, through the real highlighter (its budget: 2 s): creating waits for it once;
    the page then renders plain text at once, every view: the highlighter is not asked again."""
    from apps.highlighter import core

    asked = []
    highlight = core.Highlighter.highlight
    monkeypatch.setattr(core.Highlighter, "highlight",
                        lambda pool, request: asked.append(1) or highlight(pool, request))
    created, seconds = timed(lambda: client.post("/api/snippets", json={"content": SLOW_SCALA, "lexer": "scala"}))
    assert created.status_code == 201, created.get_data(as_text=True)
    assert len(asked) == 1 and seconds >= 2.0  # the budget, paid once
    path = "/s/" + created.get_json()["id"]
    first, first_seconds = timed(lambda: client.get(path))
    second, second_seconds = timed(lambda: client.get(path))
    print(f"\ncreate {seconds:.2f} s, first view {first_seconds:.3f} s, second view {second_seconds:.3f} s")
    for page in (first, second):
        assert page.status_code == 200
        assert "highlighting it took too long" in page.get_data(as_text=True)
    assert len(asked) == 1, "a view asked the highlighter again"
    assert first_seconds + second_seconds < seconds / 4  # neither waited for anything like the budget


def test_one_rendering_serves_every_style(client, paste, fake_highlighter):
    """Renderings are HTML with CSS classes: a style is only the stylesheet the page links,
    so picking one neither asks the highlighter again nor adds to any cache."""
    snippet = paste("x = 1\n")
    calls = fake_highlighter.highlights  # one at creation, cached
    client.get(f"/s/{snippet['id']}")
    page = client.get(f"/s/{snippet['id']}?style=monokai").get_data(as_text=True)
    assert "/styles/monokai.css" in page
    assert fake_highlighter.highlights == calls
    assert all("style" not in fields for fields in fake_highlighter.fields)


def test_a_style_the_highlighter_does_not_offer_is_the_default(client, paste, fake_highlighter):
    """Made-up style names cannot multiply anything: they are taken as the default."""
    snippet = paste("x = 1\n")
    response = client.get(f"/s/{snippet['id']}?style=made-up-1")
    page = response.get_data(as_text=True)
    assert "/styles/default.css" in page and "made-up-1" not in page
    assert "snippets_style" not in response.headers.get("Set-Cookie", "")


def test_a_new_highlighter_version_renders_again(client, paste, fake_highlighter):
    from apps.snippets import catalog

    snippet = paste("x = 1\n")
    calls = fake_highlighter.highlights
    fake_highlighter.version = "fake-2"
    catalog.forget()
    client.get(f"/s/{snippet['id']}")
    assert fake_highlighter.highlights == calls + 1


def test_creating_works_while_the_highlighter_is_down(client, monkeypatch):
    monkeypatch.setenv("HIGHLIGHTER_URL", "http://127.0.0.1:9")
    response = client.post("/api/snippets", json={"content": "x = 1\n", "filename": "a.py"})
    assert response.status_code == 201
    assert response.get_json()["lexer"] == "auto"  # decided later, when it answers again
