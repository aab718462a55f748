"""Inputs that make a lexer slow, through the Procfile's gunicorn: answered at
HIGHLIGHT_TIMEOUT (2 s) while everything else is served meanwhile, and a paste of such
content shows plain text with a notice instead of stalling its page.

The slow input is real (``tests.payloads.SLOW_SCALA``): alone it runs for minutes. Each
budget is proven by order, not by a figure (``tests/waiting.py``): the budgeted answer
arrives while the same input with no budget, started at the same moment, is still running;
other clients' requests are answered while the slow one is in flight; a page view is
compared with the create that paid the budget.
"""

import threading
import time

import httpx
import pytest

from tests.payloads import SLOW_SCALA, SLOW_SCALA_FIELDS, slow_scala_without_a_budget
from tests.waiting import timed

pytestmark = pytest.mark.server

HIGHLIGHT_TIMEOUT = 2.0
QUICK = {"code": "def f(x):\n    return x\n", "lexer": "python"}
PAUSE = 0.05  # between another client's requests, so that they are no load themselves


class Meanwhile:
    """Other clients' requests, one after another in a thread, while something slow runs:
    when each ended, how long it took and its status."""

    def __init__(self, url):
        self.url = url
        self.ends, self.latencies, self.statuses = [], [], []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        with httpx.Client(base_url=self.url, timeout=60) as http:
            for n in range(2000):  # bounded; stopped long before
                if self.stop.is_set():
                    break
                if n % 2:
                    (response, seconds) = timed(lambda: http.get("/healthz"))
                else:
                    (response, seconds) = timed(lambda n=n: http.post("/highlight/api/highlight",
                                                                      json={**QUICK, "code": f"x = {n}\n"}))
                self.ends.append(time.monotonic())
                self.latencies.append(seconds)
                self.statuses.append(response.status_code)
                self.stop.wait(PAUSE)

    def answered_before(self, moment):
        return sum(end < moment for end in self.ends)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=60)

    @property
    def worst(self):
        return max(self.latencies, default=0.0)


def test_a_pathological_highlight_ends_at_the_budget_while_others_are_served(web, record_property):
    with slow_scala_without_a_budget() as reference:
        with httpx.Client(base_url=web.url, timeout=60) as http, Meanwhile(web.url) as others:
            started = time.monotonic()
            response = http.post("/highlight/api/highlight", json=SLOW_SCALA_FIELDS)
            ended = time.monotonic()
        assert reference.poll() is None, "the slow highlight ran to its end: the budget did not stop it"
    seconds, meanwhile = ended - started, others.answered_before(ended)
    record_property("slow_highlight_seconds", seconds)
    record_property("others_worst_seconds", others.worst)
    print(f"\nslow highlight answered in {seconds:.2f} s; {meanwhile} other requests answered meanwhile, "
          f"worst {others.worst:.2f} s")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "timeout"
    assert seconds >= HIGHLIGHT_TIMEOUT  # the whole budget
    assert set(others.statuses) == {200}
    assert meanwhile >= 5, "others were not served while the slow one ran"


@pytest.fixture(scope="module")
def slow_paste(web):
    """A snippet whose content stalls the Scala lexer, created through the API: its JSON,
    how long creating it took, and whether the unbudgeted reference was still running then."""
    with slow_scala_without_a_budget() as reference, httpx.Client(base_url=web.url, timeout=60) as http:
        created, seconds = timed(lambda: http.post("/api/snippets", json={"content": SLOW_SCALA, "lexer": "scala"}))
        within_the_budget = reference.poll() is None
    assert created.status_code == 201, created.text
    return created.json(), seconds, within_the_budget


def test_pasting_slow_content_is_answered_within_the_budget(slow_paste, record_property):
    _, seconds, within_the_budget = slow_paste
    record_property("create_seconds", seconds)
    print(f"\ncreating the slow paste took {seconds:.2f} s")
    assert within_the_budget, "creating waited for the slow highlight to run to its end"


def test_the_slow_paste_page_is_plain_text_with_a_notice_and_others_are_served(web, slow_paste, record_property):
    snippet, create_seconds, _ = slow_paste
    path = "/s/" + snippet["id"]
    views = []
    with httpx.Client(base_url=web.url, timeout=60) as http, Meanwhile(web.url) as others:
        for _ in range(3):
            page, seconds = timed(lambda: http.get(path))
            views.append(seconds)
            assert page.status_code == 200
            assert "showing plain text" in page.text
            assert SLOW_SCALA[1:] in page.text
    record_property("view_seconds", views)
    print(f"\nslow paste page views: {', '.join(f'{s:.2f} s' for s in views)}; others' worst {others.worst:.2f} s")
    # The create paid the budget; a view or another client's request waiting for anything
    # like it would take as long.
    assert all(seconds < create_seconds / 2 for seconds in views), (views, create_seconds)
    assert set(others.statuses) == {200} and others.worst < create_seconds / 2, (others.worst, create_seconds)


def test_the_slow_paste_page_renders_at_once_on_every_view(web, slow_paste):
    """Issue 5: "its page renders plain text at once" — the budget is not spent again per view."""
    snippet, create_seconds, _ = slow_paste
    with httpx.Client(base_url=web.url, timeout=60) as http:
        for _ in range(2):
            _, seconds = timed(lambda: http.get("/s/" + snippet["id"]))
            assert seconds < create_seconds / 4, (seconds, create_seconds)  # the create paid the 2 s budget
