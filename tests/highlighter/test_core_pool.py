"""Highlighter: every highlight runs in a killable worker process, bounded in time.

The slow input is real, not a mocked clock: Pygments 2.21's Scala lexer backtracks
in Fibonacci time on a quote followed by backslashes (its string rule
``"(\\\\|\\"|[^"])*"``; Pygments issue #3247). In-process, 32 backslashes take 0.6 s,
36 take 3.7 s, 40 did not finish in 12 s (and the peers' bench measured 17.7 s).
"""

import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from apps.highlighter.core import HighlightError, HighlightRequest, Highlighter, highlight

ROOT = Path(__file__).resolve().parents[2]
SLOW = HighlightRequest.from_fields({"code": '"' + "\\" * 40, "lexer": "scala"})
QUICK = HighlightRequest.from_fields({"code": "def f(x):\n    return x\n", "lexer": "python"})


@pytest.fixture(scope="module")
def pool():
    with Highlighter(workers=2, timeout=1.0) as pool:
        pool.start()
        yield pool


def in_thread(call):
    """Start ``call`` in a thread; the returned box gets "result" or "error" and "seconds"."""
    box = {}

    def target():
        start = time.monotonic()
        try:
            box["result"] = call()
        except HighlightError as error:
            box["error"] = error
        box["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, box


def wait_until_gone(pid, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def test_the_slow_input_is_genuinely_slow_in_plain_pygments():
    script = textwrap.dedent("""
        import pygments
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import ScalaLexer
        pygments.highlight('"' + '\\\\' * 40, ScalaLexer(), HtmlFormatter())
    """)
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, "-c", script], timeout=3)


def test_the_pool_gives_what_in_process_highlighting_gives(pool):
    assert pool.highlight(QUICK) == highlight(QUICK)
    tokens = HighlightRequest.from_fields({"code": "a\n\nb", "format": "tokens"})
    assert pool.highlight(tokens) == highlight(tokens)
    assert pool.guess(filename="a.py")["lexer"]["name"] == "Python"


def test_errors_raised_in_a_worker_reach_the_caller(pool):
    with pytest.raises(HighlightError) as info:
        pool.highlight(HighlightRequest(code="x", format="no-such-format"))
    assert info.value.code == "unknown_format"


def test_a_slow_input_times_out_near_the_budget_while_others_are_served(pool):
    before = pool.worker_pids()
    slow, box = in_thread(lambda: pool.highlight(SLOW))
    time.sleep(0.2)
    start = time.monotonic()
    assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
    assert time.monotonic() - start < 1.0  # well under the 1 s budget the slow one spends
    assert slow.is_alive(), "the quick request waited for the slow one"
    slow.join(10)
    error = box["error"]
    assert (error.code, error.status) == ("timeout", 422)
    assert 1.0 <= box["seconds"] < 4.0
    killed = set(before) - set(pool.worker_pids())
    assert len(killed) == 1 and wait_until_gone(killed.pop())
    for _ in range(3):  # the killed child was replaced
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
    assert len(pool.worker_pids()) == 2


def test_at_most_pool_size_highlights_run_and_the_rest_wait_a_bounded_time():
    with Highlighter(workers=1, timeout=1.0, queue_timeout=0.3) as pool:
        pool.start()
        slow, _ = in_thread(lambda: pool.highlight(SLOW))
        time.sleep(0.1)
        start = time.monotonic()
        with pytest.raises(HighlightError) as info:
            pool.highlight(QUICK)
        assert (info.value.code, info.value.status) == ("busy", 503)
        assert 0.3 <= time.monotonic() - start < 1.0
        slow.join(10)
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"


def test_many_threads_share_one_pool():
    with Highlighter(workers=2, timeout=5.0) as pool:
        boxes = [in_thread(lambda: pool.highlight(QUICK)) for _ in range(16)]
        for thread, box in boxes:
            thread.join(30)
            assert box["result"]["lexer"]["name"] == "Python"
        assert len(pool.worker_pids()) <= 2


def test_children_start_on_first_use():
    with Highlighter(workers=2) as pool:
        assert pool.worker_pids() == []
        pool.highlight(QUICK)
        assert len(pool.worker_pids()) == 1


def test_a_child_killed_mid_job_is_an_error_and_is_replaced():
    with Highlighter(workers=1, timeout=10.0) as pool:
        pool.start()
        (pid,) = pool.worker_pids()
        slow, box = in_thread(lambda: pool.highlight(SLOW))
        time.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        slow.join(5)
        assert box["error"].code == "worker_crashed" and box["seconds"] < 2.0
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
        assert pool.worker_pids() != [pid]


def test_a_child_that_died_while_idle_is_replaced_without_an_error():
    with Highlighter(workers=1) as pool:
        pool.start()
        (pid,) = pool.worker_pids()
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)  # dead, but not yet reaped: the pool has not noticed
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
        assert pool.worker_pids() != [pid]


def test_running_out_of_memory_is_too_large_and_the_child_is_replaced():
    """Each child's address space is capped; a token list of 100,000 lines exceeds 48 MB."""
    with Highlighter(workers=1, timeout=10.0, memory_limit_mb=48) as pool:
        pool.start()
        (pid,) = pool.worker_pids()
        huge = HighlightRequest.from_fields(
            {"code": "x = 1\n" * 100_000, "lexer": "python", "format": "tokens"})
        with pytest.raises(HighlightError) as info:
            pool.highlight(huge)
        assert (info.value.code, info.value.status) == ("too_large", 413)
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
        assert pool.worker_pids() != [pid]


def test_a_forked_process_gets_its_own_children(pool):
    """As in a gunicorn worker forked from a master that created the pool."""
    parent_pids = pool.worker_pids()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked process
        status = 1
        try:
            fresh = pool.worker_pids() == []
            works = pool.highlight(QUICK)["lexer"]["name"] == "Python"
            own = not set(pool.worker_pids()) & set(parent_pids)
            pool.close()
            status = 0 if fresh and works and own else 2
        finally:
            os._exit(status)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert pool.worker_pids() == parent_pids
    assert pool.highlight(QUICK)["lexer"]["name"] == "Python"


def test_a_closed_pool_ends_its_children_and_refuses_work():
    pool = Highlighter(workers=2)
    pool.start()
    pids = pool.worker_pids()
    pool.close()
    assert pool.worker_pids() == [] and all(wait_until_gone(pid) for pid in pids)
    with pytest.raises(RuntimeError):
        pool.highlight(QUICK)


def test_a_forgotten_pool_ends_its_children_when_collected():
    pool = Highlighter(workers=2)
    pool.start()
    pids = pool.worker_pids()
    del pool
    gc.collect()
    assert all(wait_until_gone(pid) for pid in pids)


def test_children_end_with_their_parent_even_mid_job():
    """Killed parent: the idle child sees its stdin close; the busy one ends on its own
    alarm after twice the budget plus a second (here 2 s)."""
    script = textwrap.dedent("""
        from apps.highlighter.core import HighlightRequest, Highlighter
        pool = Highlighter(workers=2, timeout=0.5)
        pool.start()
        print(*pool.worker_pids(), flush=True)
        pool.highlight(HighlightRequest.from_fields({"code": '"' + '\\\\' * 40, "lexer": "scala"}))
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    time.sleep(0.2)
    parent.kill()
    parent.wait()
    parent.stdout.close()
    assert len(pids) == 2 and all(wait_until_gone(pid, 4.0) for pid in pids)
