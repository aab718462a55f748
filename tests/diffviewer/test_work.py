"""Every diff runs in a killable process: bounded in time (DIFF_TIMEOUT), in waiting
(DIFF_WORKERS) and in the size of its answer (DIFF_MAX_OUTPUT_BYTES).

The slow input is real, not a mocked clock: 70,000 changed lines with word marks take
seconds of JSON work, far over the budgets these tests set.
"""

import pytest
from werkzeug.test import Client

from apps import killable
from apps.diffviewer import settings, work
from apps.diffviewer.core import DiffOptions
from apps.diffviewer.core import jobs as diff_jobs
from tests.waiting import Running, wait_until

BIG_LEFT = "".join(f"line {i} alpha beta gamma\n" for i in range(70_000))
BIG_RIGHT = BIG_LEFT.replace("gamma", "delta")
SMALL = {"left": "one\ntwo\n", "right": "one\n2\n"}


def in_thread(call):
    """``call`` running in a thread (``tests.waiting.Running``)."""
    return Running(call)


def error_of(response):
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    return response.status_code, response.get_json()["error"]["code"]


@pytest.fixture(scope="module")
def budgeted():
    """The diff viewer with a 0.5 s budget per diff, and its pool started."""
    config = {"DIFF_TIMEOUT": 0.5, "DIFF_WORKERS": 2, "DIFF_MAX_OUTPUT_BYTES": 200_000_000}
    app_settings = settings.load(config)
    work.pool(app_settings).start()
    return Client(_app(config)), work.pool(app_settings)


def _app(config):
    from apps.diffviewer import create_app

    return create_app(config)


def test_a_diff_that_outruns_its_budget_is_a_422_while_a_normal_request_is_served(budgeted):
    client, pool = budgeted
    before = pool.worker_pids()
    slow = in_thread(lambda: client.post("/api/diff", json={"left": BIG_LEFT, "right": BIG_RIGHT}))
    quick = client.post("/api/diff", json=SMALL)
    assert quick.status_code == 200 and quick.get_json()["stats"]["added"] == 1
    assert slow.running, "the quick request waited for the slow one"
    answer = slow.join()
    # Stopped by its budget (the process killed), not run to its end: that would be a 200.
    assert error_of(answer) == (422, "timeout")
    assert "took longer than 0.5 s" in answer.get_json()["error"]["message"]
    assert slow.seconds >= 0.5
    killed = set(before) - set(pool.worker_pids())
    assert len(killed) == 1, "the process that overran was killed and replaced"
    assert client.post("/api/diff", json=SMALL).status_code == 200


def test_a_page_that_outruns_its_budget_is_an_html_422():
    """A page makes at most DIFF_MAX_RENDER_LINES lines (0.3 s here), so its budget is cut to 0.05 s."""
    client = Client(_app({"DIFF_TIMEOUT": 0.05, "DIFF_WORKERS": 1}))
    response = client.post("/", data={"left": BIG_LEFT, "right": BIG_RIGHT})
    assert response.status_code == 422 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Took too long" in page and 'data-code="timeout"' in page


def test_callers_wait_for_a_free_process_at_most_the_budget_then_hear_busy():
    """One process, three slow diffs at once: one runs and is killed; the others wait for the
    process at most 0.4 s each and are told busy (or, if it came free in time, run and are
    killed in their turn): never an unbounded wait."""
    config = {"DIFF_TIMEOUT": 0.4, "DIFF_WORKERS": 1, "DIFF_MAX_WAITING": 2, "DIFF_MAX_OUTPUT_BYTES": 200_000_000}
    client = Client(_app(config))
    work.pool(settings.load(config)).start()
    big = {"left": BIG_LEFT, "right": BIG_RIGHT}
    calls = [in_thread(lambda: client.post("/api/diff", json=big)) for _ in range(3)]
    answers = sorted((call.join() for call in calls), key=lambda r: r.status_code)  # each ends (or join fails)
    codes = [error_of(r) for r in answers]
    assert codes[0] == (422, "timeout") and codes[-1] == (503, "busy")
    assert set(codes) == {(422, "timeout"), (503, "busy")}
    assert answers[-1].headers["Retry-After"] == "1"
    assert "stayed busy for 0.4 s" in answers[-1].get_json()["error"]["message"]


def test_an_answer_certain_to_be_too_large_is_refused_at_once():
    """Two sides of 100,000 different one-character lines: 200,000 JSON lines of 130+ bytes."""
    client = Client(_app({"DIFF_MAX_OUTPUT_BYTES": 1_000_000}))
    response = client.post("/api/diff", json={"left": "a\n" * 100_000, "right": "b\n" * 100_000})
    assert error_of(response) == (413, "output_too_large")
    assert "would be at least 26,000,000 bytes; the limit is 1,000,000" in response.get_json()["error"]["message"]


def test_an_answer_that_grows_past_the_limit_is_stopped():
    """Few lines, so nothing is certain up front, but each is long."""
    client = Client(_app({"DIFF_MAX_OUTPUT_BYTES": 100_000}))
    left = "".join(f"{i} " + "x" * 20_000 + "\n" for i in range(10))
    response = client.post("/api/diff", json={"left": left, "right": left.replace("x", "y")})
    assert error_of(response) == (413, "output_too_large")
    assert "grew past" in response.get_json()["error"]["message"]
    patch = client.post("/api/diff.patch", json={"left": left, "right": left.replace("x", "y")})
    assert error_of(patch) == (413, "output_too_large")


def test_a_page_of_a_huge_diff_makes_only_the_lines_it_shows():
    result = diff_jobs.page_job({"left": "a\n" * 100_000, "right": "b\n" * 100_000,
                                 "options": DiffOptions(), "max_lines": 50})
    hunks = result["diff"][2]
    assert sum(len(hunk[5]) for hunk in hunks) == 50
    assert result["total_lines"] == 200_000 and not result["whole_file"]
    assert result["diff"][1][:2] == (100_000, 100_000)  # the stats count every line


def test_the_page_of_a_huge_diff_offers_the_patch_instead(make_app):
    client = Client(make_app(DIFF_MAX_RENDER_LINES=100))
    page = client.post("/", data={"left": "a\n" * 100_000, "right": "b\n" * 100_000}).get_data(as_text=True)
    assert "the first\n      100 of 200,000 lines are shown" in page
    assert "+100000" in page and "−100000" in page


def test_the_parent_never_reads_a_reply_over_its_limit():
    with killable.Pool(diff_jobs.__name__, workers=1, timeout=5.0, max_reply_bytes=10_000, label="comparing") as pool:
        pool.start()
        before = pool.worker_pids()
        page = {"left": "a\n" * 2_000, "right": "b\n" * 2_000, "options": DiffOptions(), "max_lines": 4_000}
        with pytest.raises(killable.Failure) as info:
            pool.call("page", page)
        assert (info.value.code, info.value.status) == ("too_large", 413)
        assert pool.worker_pids() != before, "the child that wrote it was replaced"
        assert pool.call("page", {**page, "max_lines": 10})["total_lines"] == 4_000


def test_a_process_grown_past_its_retire_size_is_replaced_after_answering():
    with killable.Pool(diff_jobs.__name__, workers=1, timeout=5.0, retire_above_mb=1) as pool:
        pool.start()
        (first,) = pool.worker_pids()
        assert pool.call("json", {**SMALL, "options": DiffOptions(), "max_bytes": None})
        assert first not in pool.worker_pids()


def test_the_diff_processes_never_import_a_web_framework():
    with killable.Pool(__name__.rpartition(".")[0] + ".killable_probe", workers=1, timeout=5.0) as pool:
        loaded = pool.call("modules", diff_jobs.__name__)
    assert "apps.diffviewer.core.jobs" in loaded
    assert not {"werkzeug", "flask", "django", "genshi", "apps.diffviewer.app"} & set(loaded)


def test_beyond_the_callers_allowed_to_wait_the_next_hears_busy_at_once():
    """DIFF_MAX_WAITING bounds how many requests wait for a busy process, so diffs can never
    hold every thread of a server: one runs, one waits, the third is told busy while the
    first is still running."""
    config = {"DIFF_TIMEOUT": 0.8, "DIFF_WORKERS": 1, "DIFF_MAX_WAITING": 1, "DIFF_MAX_OUTPUT_BYTES": 200_000_000}
    client = Client(_app(config))
    work.pool(settings.load(config)).start()
    big = {"left": BIG_LEFT, "right": BIG_RIGHT}
    running = in_thread(lambda: client.post("/api/diff", json=big))
    waiting = in_thread(lambda: client.post("/api/diff", json=big))
    wait_until(lambda: work.pool(settings.load(config))._waiting >= 1, "the second caller waiting for the process")
    third = client.post("/api/diff", json=big)
    assert running.running, "the third caller was kept waiting"
    assert error_of(third) == (503, "busy")
    assert "1 more request is waiting" in third.get_json()["error"]["message"]
    running.join()
    waiting.join()
