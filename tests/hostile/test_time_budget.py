"""Inputs that make a lexer slow, through the Procfile's gunicorn: answered at
HIGHLIGHT_TIMEOUT (2 s) while everything else is served meanwhile, and a paste of such
content shows plain text with a notice instead of stalling its page.

The slow input is real (``tests.payloads.SLOW_SCALA``): alone it runs for minutes. Each
budget is proven without a figure (``tests/waiting.py``): the highlighting process on it is
killed having used no more than the budget of CPU time (and SLACK), which load cannot
break, and the answer never comes before the budget; other clients' requests are answered
while the slow one is in flight; a page view is compared with the create that paid the budget.
"""

import os
import threading
import time

import httpx
import pytest

from tests.payloads import SLOW_SCALA, SLOW_SCALA_FIELDS
from tests.waiting import PATIENCE, Running, children, cpu_seconds, descendants_running, first_gone, on_cpu, timed, wait_until

pytestmark = pytest.mark.server

HIGHLIGHT_TIMEOUT = 2.0
SLACK = 0.5  # of the budget: CPU time a process may use past it while it is being killed
GUNICORN_WORKERS = 2  # the web fixture's
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
                if self.stop.is_set() and self.statuses:  # (at least one, however quick the rest was)
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


def highlighting_processes():
    """The highlighting processes of the servers this test process started."""
    return [pid for server in children(os.getpid()) for pid in descendants_running(server, "apps.highlighter.core.worker")]


def highlighting_processes_warm(url):
    """Quick highlights, each on a new connection (so that every gunicorn worker gets some),
    until each worker has a highlighting process that has answered and none is at work: the
    one an idle worker hands its next job (its pool's idle queue is last in, first out).
    {pid: CPU seconds used so far} of every highlighting process."""

    def warm():
        httpx.post(url + "/highlight/api/highlight", json=QUICK, timeout=PATIENCE).raise_for_status()
        processes = highlighting_processes()
        return len(processes) >= GUNICORN_WORKERS and not any(on_cpu(pid) for pid in processes)

    wait_until(warm, f"a warm highlighting process in each of the {GUNICORN_WORKERS} gunicorn workers")
    return {pid: cpu_seconds(pid) for pid in highlighting_processes()}


def killed_at_the_budget(call, idle_cpu):
    """``call()`` (one that makes a highlighting process work on SLOW_SCALA) running from now:
    the ``Running`` call and the CPU seconds that process used on it before it was killed."""
    slow = Running(call)
    _, used = first_gone(idle_cpu, float("inf"), "the highlighting process on SLOW_SCALA")
    return slow, used


def test_a_pathological_highlight_ends_at_the_budget_while_others_are_served(web, record_property):
    idle_cpu = highlighting_processes_warm(web.url)
    with httpx.Client(base_url=web.url, timeout=PATIENCE) as http:
        slow = Running(lambda: http.post("/highlight/api/highlight", json=SLOW_SCALA_FIELDS))
        with Meanwhile(web.url) as others:
            first_gone(idle_cpu, (1 + SLACK) * HIGHLIGHT_TIMEOUT, "the process on the slow highlight")
            response = slow.join(timeout=PATIENCE)
    seconds, meanwhile = slow.seconds, others.answered_before(slow.ended)
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
    how long creating it took, and the CPU seconds the highlighting process spent on it."""
    idle_cpu = highlighting_processes_warm(web.url)
    with httpx.Client(base_url=web.url, timeout=PATIENCE) as http:
        create, used = killed_at_the_budget(lambda: http.post("/api/snippets", json={"content": SLOW_SCALA, "lexer": "scala"}),
                                            idle_cpu)
        created = create.join(timeout=PATIENCE)
    assert created.status_code == 201, created.text
    return created.json(), create.seconds, used


def test_pasting_slow_content_is_answered_within_the_budget(slow_paste, record_property):
    _, seconds, used = slow_paste
    record_property("create_seconds", seconds)
    print(f"\ncreating the slow paste took {seconds:.2f} s; its highlight used {used:.2f} CPU seconds")
    assert used <= (1 + SLACK) * HIGHLIGHT_TIMEOUT, "the highlight was not stopped at the budget"
    assert seconds >= HIGHLIGHT_TIMEOUT  # the create paid the whole budget


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
